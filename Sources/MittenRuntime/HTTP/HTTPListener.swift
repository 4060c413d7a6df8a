import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP/1.1 listener on NIO's event loops, one request per connection, that runs
/// until graceful shutdown: what the metrics endpoint and the binary relay share. The
/// handler a connection gets comes from `handler`; ``respond(_:status:contentType:body:)``
/// answers with text and closes.
final class HTTPListener: Sendable {
    /// The address actually bound (the real port when asked for port 0).
    let address: WireAddress
    private let channel: any Channel

    private init(address: WireAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Binds `host:port`; `name` names the listener in the log and in the error, which
    /// ends with `advice`.
    static func bind(host: String, port: Int, name: String, advice: String, logger: Logger,
                     handler: @escaping @Sendable () -> any ChannelHandler & Sendable) async throws -> HTTPListener {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(handler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw RuntimeError(.connectFailed, "cannot serve the \(name) on \(host):\(port): \(error); \(advice)")
        }
        let bound = WireAddress(host: host, port: channel.localAddress?.port ?? port)
        logger.info("\(name) listening", metadata: ["mitten.address": "\(bound)"])
        return HTTPListener(address: bound, channel: channel)
    }

    /// Waits until graceful shutdown (or ``close()``), then stops listening.
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            self.channel.close(promise: nil)
        }
    }

    /// Stops listening.
    func close() async {
        try? await channel.close()
    }

    /// Answers `body` with `status` on `channel` (from any thread), then closes it.
    static func respond(_ channel: any Channel, status: HTTPResponseStatus, contentType: String = "text/plain; charset=utf-8", body: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
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
