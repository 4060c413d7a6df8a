import Logging
import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    /// `mitten stat add NAME VALUE...` and `mitten stat show NAME`, for shell workers.
    struct Stat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stat",
            abstract: "Add values to, or show, a named Statistics service.", subcommands: [Add.self, Show.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add values to Statistics-NAME (created on first use).")
            @Argument(help: "The statistic's name.") var name: String
            @Argument(help: "Values to add.") var values: [Double]
            @OptionGroup var options: RuntimeOptions

            func validate() throws {
                guard !values.isEmpty else { throw ValidationError("give at least one VALUE to add") }
            }

            func run() async throws {
                let client = try await Stat.client(name: name, options: options)
                let summary = try await client.add(values)
                print(Stat.format(summary))
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show count, mean, standard deviation, min and max of Statistics-NAME.")
            @Argument(help: "The statistic's name.") var name: String
            @OptionGroup var options: RuntimeOptions

            func run() async throws {
                let client = try await Stat.client(name: name, options: options)
                print(Stat.format(try await client.summary()))
            }
        }

        static func client(name: String, options: RuntimeOptions) async throws -> StatisticsClient {
            let logger = options.logger(label: "mitten.stat", default: .warning)
            let (secret, _) = try options.secret()
            let control = ControlClient(client: WireClient(address: options.controlAddress, secret: secret, logger: logger))
            let entry = try await control.ensureService(kind: StatisticsService.kindName, name: name)
            let registry = RegistryClient(client: control.client)
            let wire = WireClient(secret: secret, logger: logger) {
                try await registry.lookup(entry.name)?.address ?? entry.address
            }
            return StatisticsClient(client: wire)
        }

        static func format(_ summary: StatisticsService.Summary) -> String {
            func show(_ value: Double?) -> String { value.map { String($0) } ?? "-" }
            return "count \(summary.count)  mean \(show(summary.mean))  stddev \(show(summary.standardDeviation))  min \(show(summary.minimum))  max \(show(summary.maximum))"
        }
    }
}
