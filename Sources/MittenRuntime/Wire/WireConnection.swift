import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One authenticated client connection. Calls are multiplexed by call id; each has a
/// timeout and is cancelled (locally and on the server) when the calling task is.
public final class WireConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<WireClientHandler>
    private let nextCallID = Atomic<UInt64>(0)

    private init(channel: any Channel, handler: NIOLoopBound<WireClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects to `address` and completes the handshake with `secret`.
    public static func connect(
        to address: WireAddress, secret: ClusterSecret, connectTimeout: Duration = .seconds(5),
        maximumFrameLength: Int = Frame.defaultMaximumLength,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WireConnection {
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = WireDecoder(phase: .clientAwaitingHello, maximumFrameLength: maximumFrameLength)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder),
                        WireClientHandler(secret: secret, ready: ready),
                    ])
                }
            }
        let channel: any Channel
        do {
            if let numeric = address.numericSocketAddress {
                channel = try await bootstrap.connect(to: numeric).get()
            } else {
                channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            }
        } catch {
            ready.fail(error)
            throw RuntimeError(.connectFailed, "cannot connect to \(address): \(error)")
        }
        let timeout = eventLoop.scheduleTask(in: TimeAmount(connectTimeout)) {
            ready.fail(RuntimeError(.handshakeFailed, "\(address) did not complete the handshake in time"))
            channel.close(promise: nil)
        }
        do {
            try await ready.futureResult.get()
            timeout.cancel()
        } catch {
            timeout.cancel()
            channel.close(promise: nil)
            if let error = error as? RuntimeError, error.code == .handshakeFailed { throw error }
            throw RuntimeError(.handshakeFailed, "\(address) closed the connection during the handshake; check that both sides use the same cluster secret (MITTEN_SECRET_FILE)")
        }
        let handler: NIOLoopBound<WireClientHandler>
        do {
            handler = try await eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: WireClientHandler.self), eventLoop: eventLoop)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw RuntimeError(.connectionClosed, "\(address) closed the connection right after the handshake")
        }
        return WireConnection(channel: channel, handler: handler)
    }

    /// True until the connection closes.
    public var isActive: Bool { channel.isActive }

    /// Calls `service.method` with a raw payload and returns the raw result.
    public func call(service: String, method: String, payload: ByteBuffer = ByteBuffer(), timeout: Duration = .seconds(30)) async throws -> ByteBuffer {
        let callID = nextCallID.add(1, ordering: .relaxed).newValue
        let frame = Frame(kind: .request, callID: callID, service: service, method: method, payload: payload)
        let wait = TimeAmount(timeout)
        let deadline = NIODeadline.now() + wait
        let (loop, handler) = (channel.eventLoop, self.handler)
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                guard !Task.isCancelled else {
                    continuation.resume(throwing: RuntimeError(.cancelled, "the call was cancelled"))
                    return
                }
                if loop.inEventLoop {
                    // A cancellation from now on queues its `cancel` behind this start.
                    handler.value.start(frame, deadline: deadline, timeout: wait, continuation)
                } else {
                    loop.execute { handler.value.start(frame, deadline: deadline, timeout: wait, continuation) }
                    // Cancelled between the check above and the start being queued: the
                    // handler's `cancel` may have run first and found nothing; queue one
                    // behind the start (a second cancel of one call does nothing).
                    if Task.isCancelled { loop.execute { handler.value.cancel(callID) } }
                }
            }
        } onCancel: {
            loop.execute { handler.value.cancel(callID) }
        }
    }

    /// Calls a method with a Codable argument and result (JSON payloads).
    public func call<Request: Encodable, Response: Decodable>(
        service: String, method: String, _ request: Request, as: Response.Type = Response.self, timeout: Duration = .seconds(30)
    ) async throws -> Response {
        let reply = try await call(service: service, method: method, payload: try WireCodec.encode(request), timeout: timeout)
        return try WireCodec.decode(Response.self, from: reply)
    }

    /// Closes the connection; pending calls fail with `connectionClosed`.
    public func close() async {
        try? await channel.close()
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
