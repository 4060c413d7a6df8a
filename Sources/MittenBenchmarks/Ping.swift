import ArgumentParser
import MittenRuntime
import NIOCore

extension BenchCommand {
    /// W1: one client, sequential `ping` calls with a 16-byte payload to a Control process.
    struct Ping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "W1: sequential pings to Control (calls/s, p50, p99).")
        @Option var calls = 20_000
        @Option(help: "Another method to time the same way, SERVICE.METHOD with an empty payload (e.g. Registry.describe, an async method: a task per call on the server; Registry.counts, answered on the event loop with JSON).")
        var method: String?
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            let (child, address) = try await Bench.startControl(mitten: options.mittenPath, environment: environment, secret: secret)
            defer { Task { await Bench.stop(child) } }
            let connection = try await WireConnection.connect(to: address, secret: secret)
            var (service, methodName, payload) = ("Control", "ping", ByteBuffer(bytes: Array(repeating: UInt8(7), count: 16)))
            if let method {
                let parts = method.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--method is SERVICE.METHOD") }
                (service, methodName, payload) = (parts[0], parts[1], ByteBuffer())
            }
            for _ in 0..<1000 { _ = try await connection.call(service: service, method: methodName, payload: payload) }
            var samples: [Double] = []
            samples.reserveCapacity(calls)
            let clock = ContinuousClock()
            let total = try await clock.measure {
                for _ in 0..<calls {
                    let started = clock.now
                    _ = try await connection.call(service: service, method: methodName, payload: payload)
                    samples.append(Bench.micros(clock.now - started))
                }
            }
            samples.sort()
            let seconds = Bench.micros(total) / 1e6
            print("W1 \(service).\(methodName): \(calls) calls in \(Bench.format(seconds, 3)) s = \(Bench.format(Double(calls) / seconds, 0)) calls/s, p50 \(Bench.format(Bench.percentile(samples, 0.5))) us, p99 \(Bench.format(Bench.percentile(samples, 0.99))) us")
            await connection.close()
            await Bench.stop(child)
            if method == nil {
                print("W1 floor: a blocking 16-byte TCP ping-pong between two threads on loopback, p50 \(Bench.format(try LoopbackFloor.measure(rounds: calls))) us on this machine")
            }
        }
    }
}
