import Logging
import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status",
            abstract: "Show every registered service: one table per kind, Control first.")

        @Flag(name: .long, help: "Print JSON (an array of service descriptions) instead of tables.")
        var json = false

        @Option(name: .long, help: "Seconds to wait for Control to come up.")
        var timeout: Double = 10

        @OptionGroup var options: RuntimeOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        }

        func run() async throws {
            let logger = options.logger(label: "mitten.status", default: .warning)
            let (secret, _) = try options.secret()
            let wait = Duration.milliseconds(Int(timeout * 1000))
            let snapshot = try await StatusSnapshot.take(control: options.controlAddress, secret: secret, wait: wait, logger: logger)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(snapshot), as: UTF8.self))
            } else {
                print(StatusTable.render(snapshot), terminator: "")
            }
        }
    }
}
