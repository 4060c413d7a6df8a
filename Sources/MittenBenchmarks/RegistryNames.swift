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
            print("W3 register: \(names) names in \(Bench.format(Bench.micros(register) / 1000, 2)) ms (one call after the other)")
            // The same with every call in flight at once on the one connection (calls are
            // multiplexed by id), as a process registering its services concurrently would.
            let registerConcurrently = try await ContinuousClock().measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<names {
                        group.addTask {
                            try await registry.register(RegistryEntry(name: "Bench-\(index)", address: address, description: "Bench"), ttl: .seconds(300))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            print("W3 register: \(names) names in \(Bench.format(Bench.micros(registerConcurrently) / 1000, 2)) ms (all in flight at once)")
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
            print("W3 lookup (other process): \(found)/\(names) names in \(Bench.format(Bench.micros(lookup) / 1000, 2)) ms (one call after the other; + \(Bench.format(Bench.micros(connect) / 1000, 2)) ms to connect)")
            var foundConcurrently = 0
            let lookupConcurrently = try await ContinuousClock().measure {
                foundConcurrently = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<names { group.addTask { try await registry.lookup("Bench-\(index)") != nil } }
                    var count = 0
                    for try await hit in group where hit { count += 1 }
                    return count
                }
            }
            print("W3 lookup (other process): \(foundConcurrently)/\(names) names in \(Bench.format(Bench.micros(lookupConcurrently) / 1000, 2)) ms (all in flight at once)")
            await registry.client.close()
        }
    }
}

