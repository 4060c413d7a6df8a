import ArgumentParser
import MittenRuntime

extension BenchCommand {
    /// Statistics: adds per second, one value per call and in batches.
    struct StatisticsAdds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "statistics", abstract: "Statistics adds/s (single values and batches of 1000).")
        @Option var calls = 5000
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            let (child, address) = try await Bench.startControl(mitten: options.mittenPath, environment: environment, secret: secret)
            let control = ControlClient(client: WireClient(address: address, secret: secret, logger: Bench.logger))
            let entry = try await control.ensureService(kind: "Statistics", name: "bench")
            let statistics = StatisticsClient(client: WireClient(address: entry.address, secret: secret, logger: Bench.logger))
            try await statistics.add([0])
            let single = try await ContinuousClock().measure {
                for index in 0..<calls { try await statistics.add([Double(index)]) }
            }
            let batch = Array(repeating: 1.5, count: 1000)
            let batches = max(1, calls / 10)
            let batched = try await ContinuousClock().measure {
                for _ in 0..<batches { try await statistics.add(batch) }
            }
            let singleRate = Double(calls) / (Bench.micros(single) / 1e6)
            let batchRate = Double(batches * 1000) / (Bench.micros(batched) / 1e6)
            print("Statistics: \(Bench.format(singleRate, 0)) adds/s one per call, \(Bench.format(batchRate, 0)) adds/s in batches of 1000")
            await statistics.client.close()
            await control.client.close()
            await Bench.stop(child)
        }
    }
}
