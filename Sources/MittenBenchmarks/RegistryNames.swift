import Foundation
import ArgumentParser
import MittenRuntime

extension BenchCommand {
    /// W3: register 200 names from this process, look them up from another.
    struct RegistryNames: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "registry", abstract: "W3: register N names, look them up from another process.")
        @Option var names = 200
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            let (child, address) = try await Bench.startControl(mitten: options.mittenPath, environment: environment, secret: secret)
            let registry = RegistryClient(client: WireClient(address: address, secret: secret, logger: Bench.logger))
            _ = try await registry.counts()
            let register = try await ContinuousClock().measure {
                for index in 0..<names {
                    try await registry.register(RegistryEntry(name: "Bench-\(index)", address: address, description: "Bench"), ttl: .seconds(300))
                }
            }
            print("W3 register: \(names) names in \(Bench.format(Bench.micros(register) / 1000, 2)) ms")
            var lookupEnvironment = environment
            lookupEnvironment["MITTEN_CONTROL"] = address.description
            let lookup = try ChildProcess.spawn(executable: ChildProcess.currentExecutable, arguments: ["lookup-names", "--names", "\(names)"], environment: lookupEnvironment)
            _ = await lookup.exitStatus
            await registry.client.close()
            await Bench.stop(child)
        }
    }

    /// The other half of W3, run in a separate process.
    struct LookupNames: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lookup-names", abstract: "W3 helper: look up N names.", shouldDisplay: false)
        @Option var names = 200

        func run() async throws {
            let secret = try ClusterSecret.loadOrCreate(path: ClusterSecret.defaultPath())
            let address = WireAddress(ProcessInfo.processInfo.environment["MITTEN_CONTROL"] ?? "") ?? .defaultControl
            let registry = RegistryClient(client: WireClient(address: address, secret: secret, logger: Bench.logger))
            let connect = try await ContinuousClock().measure { _ = try await registry.counts() }
            var found = 0
            let lookup = try await ContinuousClock().measure {
                for index in 0..<names where try await registry.lookup("Bench-\(index)") != nil { found += 1 }
            }
            print("W3 lookup (other process): \(found)/\(names) names in \(Bench.format(Bench.micros(lookup) / 1000, 2)) ms (+ \(Bench.format(Bench.micros(connect) / 1000, 2)) ms to connect)")
            await registry.client.close()
        }
    }
}

