import ArgumentParser

extension BenchCommand {
    /// Every workload in turn.
    struct RuntimeAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "runtime", abstract: "Run the runtime workloads: W1, W3, W4, W5 and Statistics.")
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let arguments = options.mitten.map { ["--mitten", $0] } ?? []
            try await Ping.parse(arguments).run()
            try await RegistryNames.parse(arguments).run()
            try await ColdStart.parse(arguments).run()
            try await IdleMemory.parse(arguments).run()
            try await StatisticsAdds.parse(arguments).run()
        }
    }
}
