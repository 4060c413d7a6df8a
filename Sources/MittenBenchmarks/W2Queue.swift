import ArgumentParser
import Foundation
import Logging
import MittenRuntime
import Synchronization

extension BenchCommand {
    /// W2: one producer process pushes N items of 32 bytes to a durable queue, C consumer
    /// processes pop and ack until all are acked; wall seconds, items/s, and a check that
    /// exactly N distinct items were acked. Run one item per call and batched.
    struct W2: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "w2", abstract: "Queue throughput across processes: 1 producer, C consumers, one per call and batched.")

        @Option(help: "Items to push and consume.") var items = 100_000
        @Option(help: "Items per call in the batched run.") var batch = 1000
        @Option(help: "Consumer processes.") var consumers = 4
        @Option(help: "Calls in flight per process in the batched run.") var inflight = 16
        // One item per call waits for a durable group commit per call: what it reaches
        // depends on how many calls wait together (16: ~12,000 items/s, 64: ~27,000).
        @Option(help: "Calls in flight per process in the one-item-per-call run.") var inflightOne = 64
        @Option(help: "Queue durability: commit or interval[:MS].") var durability = "commit"
        @Option(help: "Which runs: one, batched or both.") var runs = "both"
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
            let control = try await environment.startControl()
            let modes = runs == "both" ? [1, batch] : runs == "one" ? [1] : [batch]
            for perCall in modes {
                let queue = "w2-\(perCall)-\(UInt32.random(in: 0...UInt32.max))"
                let calls = perCall == 1 ? inflightOne : inflight
                let common = ["--control", control, "--queue", queue, "--items", "\(items)", "--batch", "\(perCall)", "--inflight", "\(calls)"]
                // Create the queue service first, so its start-up is not measured.
                _ = try environment.runBench(["w2-worker", "stats"] + common)
                let start = ContinuousClock.now
                let startNanoseconds = monotonicNanoseconds()
                var children = [try environment.spawnBench(["w2-worker", "produce"] + common)]
                var outputs: [String] = []
                for index in 0..<consumers {
                    let output = environment.directory + "/acked-\(perCall)-\(index)"
                    outputs.append(output)
                    children.append(try environment.spawnBench(["w2-worker", "consume", "--out", output] + common))
                }
                var failures = 0
                for child in children {
                    if await child.exitStatus != .exited(0) { failures += 1 }
                }
                let exited = (ContinuousClock.now - start) / .seconds(1)
                var acked: [UInt32] = []
                var lastAck: UInt64 = 0
                for output in outputs {
                    let data = (try? Data(contentsOf: URL(fileURLWithPath: output))) ?? Data()
                    acked += data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
                    let last = (try? String(contentsOfFile: output + ".last", encoding: .utf8)).flatMap { UInt64($0) } ?? 0
                    lastAck = max(lastAck, last)
                }
                // From spawning the producer to the last ack; a consumer that then finds the
                // queue empty waits out its blocking pop before it exits (printed apart).
                let seconds = lastAck > startNanoseconds ? Double(lastAck - startNanoseconds) / 1e9 : exited
                let distinct = Set(acked).count
                print(String(format: "W2 %@ (durability %@): %d items, 1 producer + %d consumers, %d calls in flight each: %.3f s to the last ack, %.0f items/s (processes exited after %.3f s); acked %d, distinct %d%@%@",
                             perCall == 1 ? "one item per call" : "\(perCall) items per call", durability, items, consumers, calls,
                             seconds, Double(items) / seconds, exited, acked.count, distinct,
                             distinct == items ? " (exactly \(items): ok)" : " (MISMATCH)",
                             failures > 0 ? ", \(failures) processes failed" : ""))
            }
        }
    }

    /// The producer and consumer processes of W2 (spawned by `w2`).
    struct W2Worker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "w2-worker", shouldDisplay: false)

        @Argument var role: String
        @Option var control: String
        @Option var queue: String
        @Option var items: Int
        @Option var batch: Int
        @Option var inflight: Int
        @Option var out: String?

        func run() async throws {
            guard let address = WireAddress(control) else { throw ValidationError("bad --control") }
            let logger = Logger(label: "mitten-bench.w2")
            let secretPath = ClusterSecret.defaultPath()
            let services = SharedServices(control: address, secret: try ClusterSecret.loadOrCreate(path: secretPath), logger: logger)
            let client = try services.queue(queue, timeout: .seconds(60))
            switch role {
            case "stats": _ = try await client.stats()
            case "produce": try await produce(client)
            case "consume": try await consume(client)
            default: throw ValidationError("role is produce, consume or stats")
            }
        }

        private func produce(_ client: QueueClient) async throws {
            let items = self.items, batch = self.batch
            let calls = (items + batch - 1) / batch
            let next = CallCounter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<inflight {
                    group.addTask {
                        while let call = next.take(below: calls) {
                            let range = (call * batch)..<min(items, (call + 1) * batch)
                            try await client.push(range.map(Self.item))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        private func consume(_ client: QueueClient) async throws {
            let items = self.items, batch = self.batch
            let (acked, lastAck) = try await withThrowingTaskGroup(of: ([UInt32], UInt64).self) { group in
                for _ in 0..<inflight {
                    group.addTask {
                        var mine: [UInt32] = []
                        var lastAck: UInt64 = 0
                        while true {
                            let got = try await client.pop(limit: batch, wait: .milliseconds(300))
                            if got.isEmpty {
                                if try await client.stats().acked >= Int64(items) { return (mine, lastAck) }
                                continue
                            }
                            let result = try await client.ack(got.map(\.lease))
                            lastAck = monotonicNanoseconds()
                            let refused = Set(result.refused.map(\.lease))
                            for delivery in got where !refused.contains(delivery.lease) {
                                mine.append(delivery.body.prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
                            }
                        }
                    }
                }
                var all: [UInt32] = []
                var last: UInt64 = 0
                for try await (part, partLast) in group {
                    all += part
                    last = max(last, partLast)
                }
                return (all, last)
            }
            if let out {
                try acked.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: out))
                try String(lastAck).write(toFile: out + ".last", atomically: true, encoding: .utf8)
            }
        }

        /// A 32-byte item whose first 4 bytes are its index.
        static func item(_ index: Int) -> [UInt8] {
            withUnsafeBytes(of: UInt32(index)) { Array($0) } + [UInt8](repeating: 0x2e, count: 28)
        }
    }
}

/// A shared counter handing out call numbers to a producer's concurrent tasks.
final class CallCounter: Sendable {
    private let value = Synchronization.Mutex(0)
    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds: one clock for every process on the machine.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
