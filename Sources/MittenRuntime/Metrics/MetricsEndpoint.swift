import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A tiny HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers with the text
/// `collect` returns (`text/plain; version=0.0.4`), anything else 404; one request per
/// connection. Opt-in and bound to loopback by default. Runs until graceful shutdown.
public final class MetricsEndpoint: Service, Sendable {
    private let listener: HTTPListener
    /// The address actually bound (the real port when asked for port 0).
    public var address: WireAddress { listener.address }

    private init(listener: HTTPListener) { self.listener = listener }

    /// Binds `host:port` and starts answering scrapes with `collect()`.
    public static func bind(host: String = "127.0.0.1", port: Int, collect: @escaping @Sendable () async -> String, logger: Logger) async throws -> MetricsEndpoint {
        MetricsEndpoint(listener: try await HTTPListener.bind(
            host: host, port: port, name: "metrics endpoint", advice: "choose another --metrics-port", logger: logger
        ) { ScrapeHandler(collect: collect) })
    }

    /// Waits until graceful shutdown (or ``close()``), then stops listening.
    public func run() async throws { try await listener.run() }

    /// Stops listening.
    public func close() async { await listener.close() }
}

/// Answers one request per connection.
private final class ScrapeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let collect: @Sendable () async -> String

    init(collect: @escaping @Sendable () async -> String) {
        self.collect = collect
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let channel = context.channel
        guard head.method == .GET, head.uri == "/metrics" || head.uri.hasPrefix("/metrics?") else {
            return HTTPListener.respond(channel, status: .notFound, body: "not found: scrape GET /metrics\n")
        }
        let collect = self.collect
        Task {
            let text = await collect()
            HTTPListener.respond(channel, status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
        }
    }
}

extension MetricsEndpoint {
    /// Control's endpoint: each scrape takes a status snapshot through Control at
    /// `control` (every registered service's description) and adds this process's wire
    /// call counts.
    public static func forControl(at address: WireAddress, control: WireAddress, secret: ClusterSecret, logger: Logger) async throws -> MetricsEndpoint {
        try await bind(host: address.host, port: address.port, collect: {
            let services = (try? await StatusSnapshot.take(control: control, secret: secret, wait: .seconds(2), logger: logger)) ?? []
            return MetricsExposition.text(services: services, calls: WireCallStatistics.shared.snapshot())
        }, logger: logger)
    }
}
