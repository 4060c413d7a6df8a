import ArgumentParser
import Foundation
import MittenRuntime

extension BenchCommand {
    /// W4: from spawning Control to a client's first successful call through the registry.
    struct ColdStart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cold-start", abstract: "W4: spawn Control -> first successful call via the registry.")
        @Option var runs = 5
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            var samples: [Double] = []
            for _ in 0..<runs {
                let address = WireAddress(host: "127.0.0.1", port: try Bench.freePort())
                let clock = ContinuousClock()
                let started = clock.now
                let child = try ChildProcess.spawn(executable: options.mittenPath, arguments: ["worker", "--type", "Control", "--control", address.description, "--log-level", "error"], environment: environment)
                let client = WireClient(address: address, secret: secret, policy: .init(initial: .milliseconds(1), maximum: .milliseconds(2), jitter: 0), logger: Bench.logger)
                let registry = RegistryClient(client: client)
                var entry: RegistryEntry?
                while entry == nil { entry = try await registry.lookup(ControlService.entryName) }
                _ = try await ControlClient(client: client).ping()
                samples.append(Bench.micros(clock.now - started) / 1000)
                await client.close()
                await Bench.stop(child)
            }
            samples.sort()
            print("W4 cold start: median \(Bench.format(Bench.percentile(samples, 0.5), 1)) ms, min \(Bench.format(samples.first ?? 0, 1)) ms, max \(Bench.format(samples.last ?? 0, 1)) ms over \(runs) runs")
        }
    }
}
