import ArgumentParser
import Foundation
import Logging
import MittenRuntime

extension BenchCommand {
    /// Mutex lock/unlock round trips per second over the wire, from one client to a
    /// `Mutex-NAME` service started through Control.
    struct MutexRoundTrips: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mutex", abstract: "Mutex lock+unlock round trips per second through the wire.")

        @Option(help: "Lock/unlock pairs.") var rounds = 5_000
        @Option(help: "Durability of the mutex: commit or interval[:MS].") var durability = "commit"
        @Option(help: "The mitten binary (default: next to mitten-bench).") var mitten: String?

        func run() async throws {
            let environment = try BenchEnvironment(mitten: mitten, extra: ["MITTEN_DURABILITY": durability])
            do {
                try await measure(environment)
            } catch {
                await environment.cleanUp()
                throw error
            }
            await environment.cleanUp()
        }

        private func measure(_ environment: BenchEnvironment) async throws {
            guard let control = WireAddress(try await environment.startControl()) else { throw ValidationError("bad control address") }
            setenv("MITTEN_SECRET_FILE", environment.directory + "/secret", 1)
            let secret = try ClusterSecret.loadOrCreate(path: environment.directory + "/secret")
            let mutex = try SharedServices(control: control, secret: secret, logger: Logger(label: "mitten-bench.mutex")).mutex("bench")
            _ = try await mutex.status()
            let start = ContinuousClock.now
            for _ in 0..<rounds {
                guard let holder = try await mutex.lock(owner: "bench") else { throw ValidationError("the lock was busy") }
                try await mutex.unlock(token: holder.token)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print(String(format: "mutex (durability %@): %d lock+unlock round trips in %.3f s: %.0f/s, %.0f us each",
                         durability, rounds, seconds, Double(rounds) / seconds, seconds / Double(rounds) * 1e6))
        }
    }
}
