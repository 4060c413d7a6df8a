import Foundation
import MittenTestSupport
import Testing
@testable import MittenRuntime

/// Control's Prometheus metrics: the exposition from descriptions, and the real HTTP
/// endpoint scraped over loopback, both checked with a text-format parser.
@Suite struct MetricsTests {
    @Test func expositionFromDescriptions() throws {
        var queue = ConsoleScreenTests.queue("jobs", items: 12)
        queue.columns += [.init("Acked", .integer(40)), .init("Items/s", .number(2.5, digits: 1))]
        queue.openStackRequests = 3
        let text = MetricsExposition.text(services: [ConsoleScreenTests.control, ConsoleScreenTests.registry, queue, ConsoleScreenTests.mutex],
                                          calls: [(WireCallStatistics.Key(service: "Registry", method: "list"), WireCallStatistics.Count(calls: 5, errors: 1))])
        let samples = try PrometheusTextCheck.parse(text)
        #expect(samples["mitten_queue_items{name=\"Queue-jobs\"}"] == 12)
        #expect(samples["mitten_queue_leased{name=\"Queue-jobs\"}"] == 1)
        #expect(samples["mitten_queue_dead{name=\"Queue-jobs\"}"] == 0)
        #expect(samples["mitten_queue_acked_total{name=\"Queue-jobs\"}"] == 40)
        #expect(samples["mitten_queue_items_per_second{name=\"Queue-jobs\"}"] == 2.5)
        #expect(samples["mitten_registry_count{name=\"Mitten-registry\"}"] == 5)
        #expect(samples["mitten_registry_registered_total{name=\"Mitten-registry\"}"] == 6)
        #expect(samples["mitten_mutex_locked{name=\"Mutex-nightly\"}"] == 1)
        #expect(samples["mitten_service_restarts_total{name=\"Mitten-control\",kind=\"Control\",hostname=\"vm-1\"}"] == 0)
        #expect(samples["mitten_service_openstack_requests_total{name=\"Queue-jobs\",kind=\"Queue\",hostname=\"vm-1\"}"] == 3)
        #expect(samples["mitten_rpc_calls_total{service=\"Registry\",method=\"list\"}"] == 5)
        #expect(samples["mitten_rpc_errors_total{service=\"Registry\",method=\"list\"}"] == 1)
    }

    @Test(arguments: [("Items/s", "items_per_second"), ("RSS KB", "rss_kb"), ("OS Reqs", "os_reqs"), ("Locked", "locked"), ("☑", "value")])
    func metricWords(title: String, word: String) {
        #expect(MetricsExposition.metricWord(title) == word)
    }

    @Test func theCheckerRefusesBadText() {
        #expect(throws: (any Error).self) { try PrometheusTextCheck.parse("no_type 1\n") }
        #expect(throws: (any Error).self) { try PrometheusTextCheck.parse("# TYPE x gauge\nx{a=\"1\" 1\n") }
        #expect(throws: (any Error).self) { try PrometheusTextCheck.parse("# TYPE x gauge\nx one\n") }
        #expect(throws: (any Error).self) { try PrometheusTextCheck.parse("# TYPE x gauge\nx 1\nx 2\n") }
        #expect(throws: (any Error).self) { try PrometheusTextCheck.parse("# TYPE x counter\nx -1\n") }
    }

    @Test(.timeLimit(.minutes(1))) func scrapeTheEndpointOverLoopback() async throws {
        let secret = ClusterSecret.random()
        let registry = Registry(clock: ContinuousClock())
        let statistics = StatisticsService(name: "latency")
        var statisticsWire = statistics.wireService
        statisticsWire.on("describe", WireEmpty.self) { _ in await statistics.describe() }
        let registryWire = RegistryService.wireService(registry) {
            let counts = registry.counts()
            return ServiceDescription(name: RegistryService.entryName, kind: RegistryService.name, columns: [
                .init("Count", .integer(counts.live)), .init("Registered", .integer(counts.registered)), .init("Expired", .integer(counts.expired)),
            ])
        }
        let server = try await WireServer.bind(services: [registryWire, statisticsWire], secret: secret, logger: testLogger)
        registry.register(RegistryEntry(name: RegistryService.entryName, address: server.address, description: RegistryService.name), ttl: .seconds(60))
        registry.register(RegistryEntry(name: "Statistics-latency", address: server.address, description: StatisticsService.kindName), ttl: .seconds(60))
        let client = WireClient(address: server.address, secret: secret, logger: testLogger)
        try await StatisticsClient(client: client).add([1, 2, 3])
        let endpoint = try await MetricsEndpoint.forControl(at: WireAddress(host: "127.0.0.1", port: 0), control: server.address, secret: secret, logger: testLogger)
        defer { Task { await endpoint.close(); await client.close(); await server.close() } }

        let response = try await HTTPScrape.get(port: endpoint.address.port, path: "/metrics")
        #expect(response.status == 200)
        #expect(response.headers.contains("Content-Type: text/plain; version=0.0.4"))
        let samples = try PrometheusTextCheck.parse(response.body)
        #expect(samples["mitten_statistics_items{name=\"Statistics-latency\"}"] == 3)
        #expect(samples["mitten_statistics_mean{name=\"Statistics-latency\"}"] == 2)
        #expect(samples["mitten_registry_count{name=\"Mitten-registry\"}"] == 2)
        #expect((samples["mitten_rpc_calls_total{service=\"Statistics\",method=\"add\"}"] ?? 0) >= 1)
        #expect(samples.keys.contains { $0.hasPrefix("mitten_service_rss_kilobytes{name=\"Statistics-latency\"") })

        try await StatisticsClient(client: client).add([10])
        let again = try PrometheusTextCheck.parse(try await HTTPScrape.get(port: endpoint.address.port, path: "/metrics").body)
        #expect(again["mitten_statistics_items{name=\"Statistics-latency\"}"] == 4)
        #expect(try await HTTPScrape.get(port: endpoint.address.port, path: "/other").status == 404)
    }
}

/// One HTTP/1.1 GET over a blocking loopback socket (the endpoint closes after answering).
enum HTTPScrape {
    struct Response {
        var status: Int
        var headers: String
        var body: String
    }

    /// Off the cooperative pool: the endpoint answers through async code that needs it.
    static func get(port: Int, path: String) async throws -> Response {
        try await offThePool { try getBlocking(port: port, path: path) }
    }

    static func getBlocking(port: Int, path: String) throws -> Response {
        let socket = try RawSocket(port: port)
        defer { close(socket.fd) }
        socket.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        let text = String(decoding: socket.receive(count: 4 << 20), as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else {
            throw RuntimeError(.badPayload, "not an HTTP response: \(text.prefix(200))")
        }
        return Response(status: status, headers: String(text[..<split.lowerBound]), body: String(text[split.upperBound...]))
    }
}
