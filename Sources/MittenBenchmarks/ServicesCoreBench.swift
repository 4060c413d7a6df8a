import ArgumentParser
import Foundation
import Logging
import MittenRuntime

extension BenchCommand {
    /// The durable service cores in one process, without the wire: W2's item flow
    /// (push N items of 32 bytes, then pop+ack them from 4 concurrent consumers) one
    /// item per call and batched, and mutex lock/unlock round trips. Shows what the
    /// storage path costs; the process-level W2 over the wire adds the RPC cost.
    struct ServicesCore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "services-core",
            abstract: "Queue and mutex cores in-process (SQLite WAL, group commit): items/s and round trips/s.")

        @Option(help: "Items to push and consume.")
        var items = 100_000
        @Option(help: "Items per call in the batched run.")
        var batch = 500
        @Option(help: "Concurrent consumers.")
        var consumers = 4
        @Option(help: "Mutex lock/unlock round trips.")
        var lockRounds = 5_000
        @Option(help: "Durability: commit or interval[:MS].")
        var durability = "commit"

        func run() async throws {
            guard let durability = Durability(argument: durability) else {
                throw ValidationError("--durability must be commit or interval[:MS]")
            }
            let logger = Logger(label: "mitten-bench")
            let root = NSTemporaryDirectory() + "mitten-bench-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let data = DataDirectory(path: root)
            for perCall in [1, batch] {
                let queue = try DurableQueue(name: ServiceName("w2-\(perCall)"), dataDirectory: data,
                                             durability: durability, logger: logger)
                let (seconds, distinct) = try await flow(queue, perCall: perCall)
                print(String(format: "queue core, %@: %d items pushed, popped and acked in %.3f s: %.0f items/s; distinct acked: %d",
                             perCall == 1 ? "one per call" : "\(perCall) per call", items, seconds,
                             Double(items) / seconds, distinct))
            }
            let mutex = try DurableMutex(name: ServiceName("bench"), dataDirectory: data, durability: durability, logger: logger)
            let start = ContinuousClock.now
            for _ in 0..<lockRounds {
                guard let holder = try await mutex.lock(owner: "bench") else { throw ValidationError("lock not acquired") }
                try await mutex.unlock(token: holder.token)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print(String(format: "mutex core: %d lock/unlock round trips in %.3f s: %.0f/s (durability %@)",
                         lockRounds, seconds, Double(lockRounds) / seconds, self.durability))
        }

        private func flow(_ queue: DurableQueue, perCall: Int) async throws -> (Double, Int) {
            let items = self.items, consumers = self.consumers
            let payload = [UInt8](repeating: 0x61, count: 24)
            let start = ContinuousClock.now
            let acked = try await withThrowingTaskGroup(of: Set<[UInt8]>.self) { group in
                group.addTask {
                    var next = 0
                    while next < items {
                        let count = min(perCall, items - next)
                        let bodies = (next..<(next + count)).map { index in
                            payload + withUnsafeBytes(of: UInt64(index).bigEndian, Array.init)
                        }
                        try await queue.push(bodies)
                        next += count
                    }
                    return []
                }
                for _ in 0..<consumers {
                    group.addTask {
                        var seen = Set<[UInt8]>()
                        while true {
                            let got = try await queue.pop(limit: perCall, wait: .milliseconds(200))
                            if got.isEmpty {
                                if await queue.statistics().acked >= Int64(items) { return seen }
                                continue
                            }
                            _ = try await queue.ack(got.map(\.lease))
                            for delivery in got { seen.insert(delivery.body) }
                        }
                    }
                }
                var all = Set<[UInt8]>()
                for try await part in group { all.formUnion(part) }
                return all
            }
            return ((ContinuousClock.now - start) / .seconds(1), acked.count)
        }
    }
}
