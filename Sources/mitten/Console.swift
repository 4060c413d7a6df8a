import ArgumentParser
import Foundation
import Logging
import MittenRuntime

extension MittenCommand {
    /// `mitten console`: the live view of a running cluster, or one plain snapshot.
    struct Console: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "console",
            abstract: "Show every registered service live, refreshed every interval (q quits; arrows, PgUp, PgDn scroll).")

        @Option(name: .long, help: "Control's address HOST:PORT (default: $MITTEN_CONTROL, else 127.0.0.1:7647).")
        var control: String?

        @Option(name: .long, help: "Time between refreshes, e.g. 2s, 500ms, 1m.")
        var interval = "2s"

        @Flag(name: .long, help: "Print one plain snapshot (no escape codes) and exit.")
        var once = false

        @Flag(name: .long, help: "With --once: print JSON, the same as `mitten status --json`.")
        var json = false

        @Flag(name: .long, help: "With --once: start with a line saying when the snapshot was taken.")
        var timestamps = false

        @Option(name: .long, help: "With --once: seconds to wait for Control to come up.")
        var timeout: Double = 10

        @Option(name: .long, help: "Seconds a service that stopped answering stays on screen as lost.")
        var keepLost: Double = 60

        func validate() throws {
            if let control, WireAddress(control) == nil { throw ValidationError("--control '\(control)' is not of the form HOST:PORT") }
            guard ConsoleDuration.parse(interval) != nil else { throw ValidationError("--interval '\(interval)' is not a duration such as 2s, 500ms or 1m (at least 100ms)") }
            guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
            guard keepLost >= 0 else { throw ValidationError("--keep-lost must be 0 or more seconds") }
            if (json || timestamps), !once { throw ValidationError("--json and --timestamps go with --once") }
        }

        var controlAddress: WireAddress {
            if let control, let address = WireAddress(control) { return address }
            if let text = ProcessInfo.processInfo.environment["MITTEN_CONTROL"], let address = WireAddress(text) { return address }
            return .defaultControl
        }

        func run() async throws {
            var logger = Logger(label: "mitten.console")
            logger.logLevel = .critical
            let secret = try ClusterSecret.loadOrCreate(path: ClusterSecret.defaultPath())
            let control = controlAddress
            if once { return try await printOnce(control: control, secret: secret, logger: logger) }
            let environment = ProcessInfo.processInfo.environment
            let session = ConsoleSession(
                control: control, secret: secret, interval: ConsoleDuration.parse(interval)!, keepLost: keepLost,
                colour: ConsoleColour.enabled(isTerminal: isatty(STDOUT_FILENO) == 1, environment: environment), logger: logger)
            try await session.run()
        }

        private func printOnce(control: WireAddress, secret: ClusterSecret, logger: Logger) async throws {
            let snapshot: [ServiceDescription]
            do {
                snapshot = try await StatusSnapshot.take(control: control, secret: secret, wait: .milliseconds(300), logger: logger)
            } catch {
                FileHandle.standardError.write(Data("waiting for control at \(control)\n".utf8))
                snapshot = try await StatusSnapshot.take(control: control, secret: secret, wait: .milliseconds(Int(timeout * 1000)), logger: logger)
            }
            if timestamps { print("at \(ISO8601DateFormatter().string(from: Date()))") }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(snapshot), as: UTF8.self))
            } else {
                let frame = ConsoleFrame(control: control.description, state: .live, rows: snapshot.map { ConsoleFrame.Row(description: $0) })
                print(ConsoleScreen.plain(frame), terminator: "")
            }
        }
    }
}
