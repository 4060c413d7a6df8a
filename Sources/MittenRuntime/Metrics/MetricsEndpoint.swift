import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A tiny HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers with the text
/// `collect` returns (`text/plain; version=0.0.4`), anything else 404; one request per
/// connection. Opt-in and bound to loopback by default. Runs until graceful shutdown.
public final class MetricsEndpoint: Service, Sendable {
    /// The address actually bound (the real port when asked for port 0).
    public let address: WireAddress
    private let channel: any Channel

    private init(address: WireAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Binds `host:port` and starts answering scrapes with `collect()`.
    public static func bind(host: String = "127.0.0.1", port: Int, collect: @escaping @Sendable () async -> String, logger: Logger) async throws -> MetricsEndpoint {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(ScrapeHandler(collect: collect))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw RuntimeError(.connectFailed, "cannot serve metrics on \(host):\(port): \(error); choose another --metrics-port")
        }
        let bound = WireAddress(host: host, port: channel.localAddress?.port ?? port)
        logger.info("metrics endpoint listening", metadata: ["mitten.address": "\(bound)"])
        return MetricsEndpoint(address: bound, channel: channel)
    }

    /// Waits until graceful shutdown (or ``close()``), then stops listening.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            self.channel.close(promise: nil)
        }
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
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
            return Self.respond(channel, status: .notFound, body: "not found: scrape GET /metrics\n")
        }
        let collect = self.collect
        Task {
            let text = await collect()
            Self.respond(channel, status: .ok, body: text)
        }
    }

    private static func respond(_ channel: any Channel, status: HTTPResponseStatus, body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        let buffer = channel.allocator.buffer(string: body)
        channel.eventLoop.execute {
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
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
