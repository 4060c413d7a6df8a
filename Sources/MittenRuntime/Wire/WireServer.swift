import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A listening socket that hosts one or more ``WireService``s. Every connection must pass
/// the handshake before a frame is dispatched. Runs as a `Service` until graceful shutdown.
public final class WireServer: Service, Sendable {
    /// The address actually bound (the real port when asked for port 0).
    public let address: WireAddress
    private let channel: any Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>

    private init(address: WireAddress, channel: any Channel, connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>) {
        self.address = address
        self.channel = channel
        self.connections = connections
    }

    /// Binds `host:port` (port 0 picks a free one) and starts accepting connections.
    public static func bind(
        host: String = "127.0.0.1", port: Int = 0, services: [WireService], secret: ClusterSecret,
        maximumFrameLength: Int = Frame.defaultMaximumLength,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) async throws -> WireServer {
        let table = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    let decoder = WireDecoder(phase: .serverAwaitingProof, maximumFrameLength: maximumFrameLength)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder),
                        WireServerHandler(services: table, secret: secret, logger: logger),
                    ])
                }
            }
        let channel: any Channel
        do {
            if let numeric = WireAddress(host: host, port: port).numericSocketAddress {
                channel = try await bootstrap.bind(to: numeric).get()
            } else {
                channel = try await bootstrap.bind(host: host, port: port).get()
            }
        } catch {
            throw RuntimeError(.connectFailed, "cannot listen on \(host):\(port): \(error); choose another --bind address or port")
        }
        let bound = WireAddress(host: host, port: channel.localAddress?.port ?? port)
        logger.debug("listening", metadata: ["mitten.address": "\(bound)", "mitten.services": "\(table.keys.sorted())"])
        return WireServer(address: bound, channel: channel, connections: connections)
    }

    /// Waits until graceful shutdown (or ``close()``), then closes the listener and every connection.
    public func run() async throws {
        // Ends on graceful shutdown and on cancellation alike (a service group cancels
        // its other services when one of them returns).
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                self.closeNow()
            }
        } onCancel: {
            self.closeNow()
        }
        closeNow()
    }

    /// Closes the listener and every open connection; pending calls on them fail.
    public func close() async {
        closeNow()
        try? await channel.closeFuture.get()
    }

    private func closeNow() {
        channel.close(promise: nil)
        for connection in connections.withLockedValue({ Array($0.values) }) {
            connection.close(promise: nil)
        }
    }

    /// Number of open connections (for descriptions and tests).
    public var connectionCount: Int { connections.withLockedValue { $0.count } }
}
