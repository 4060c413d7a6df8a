import Testing
@testable import MittenRuntime

@Suite struct StatisticsTests {
    @Test func smallSample() {
        var statistics = RunningStatistics()
        statistics.add(contentsOf: [2, 4, 4, 4, 5, 5, 7, 9])
        #expect(statistics.count == 8)
        #expect(statistics.mean == 5)
        #expect(abs(statistics.variance! - 32.0 / 7.0) < 1e-12)
        #expect(statistics.minimum == 2)
        #expect(statistics.maximum == 9)
    }

    @Test func emptyAndSingle() {
        var statistics = RunningStatistics()
        #expect(statistics.variance == nil)
        statistics.add(3)
        #expect(statistics.mean == 3)
        #expect(statistics.standardDeviation == nil)
    }

    /// Values 1e9 + noise: Welford matches the exact two-pass result where the naive
    /// sum-of-squares formula loses every significant digit.
    @Test func stableWithALargeOffset() {
        var generator = SplitMix(seed: 42)
        let values = (0..<100_000).map { _ in 1e9 + Double(generator.next() % 1000) / 100.0 }
        var statistics = RunningStatistics()
        statistics.add(contentsOf: values)
        let mean = values.reduce(0, +) / Double(values.count)
        let twoPass = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        #expect(abs(statistics.mean - mean) / mean < 1e-12)
        #expect(abs(statistics.variance! - twoPass) / twoPass < 1e-6)
        let sum = values.reduce(0, +), sumOfSquares = values.reduce(0) { $0 + $1 * $1 }
        let naive = (sumOfSquares - sum * sum / Double(values.count)) / Double(values.count - 1)
        #expect(abs(naive - twoPass) / twoPass > 1e-3, "the naive formula should be visibly wrong here")
    }

    @Test func serviceOverTheWire() async throws {
        let secret = ClusterSecret.random()
        let service = StatisticsService(name: "latency")
        var wire = service.wireService
        wire.on("describe", WireEmpty.self) { _ in await service.describe() }
        let server = try await WireServer.bind(services: [wire], secret: secret, logger: testLogger)
        let client = StatisticsClient(client: WireClient(address: server.address, secret: secret, logger: testLogger))
        try await client.add([1, 2, 3])
        let summary = try await client.add([4])
        #expect(summary.count == 4)
        #expect(summary.mean == 2.5)
        #expect(summary.minimum == 1 && summary.maximum == 4)
        let description = try await client.client.call(service: "Statistics", method: "describe", WireEmpty(), as: ServiceDescription.self)
        #expect(description.name == "Statistics-latency")
        #expect(description.columns.first == .init("Items", .integer(4)))
        await client.client.close()
        await server.close()
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be run again.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
