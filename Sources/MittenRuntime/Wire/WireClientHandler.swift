import NIOCore

/// What a caller sends down a client connection's pipeline.
enum WireClientCommand: Sendable {
    /// Send a request and complete `promise` with its reply (or fail it after `timeout`).
    case call(Frame, timeout: TimeAmount, promise: EventLoopPromise<ByteBuffer>)
    /// Give up on a pending call: fail it with `cancelled` and tell the server.
    case cancel(callID: UInt64)
}

/// The client side of one connection: answers the server's greeting, checks the
/// server's proof, then matches replies to pending calls by id. When the connection
/// closes every pending call fails with `connectionClosed`. Lives on its event loop.
final class WireClientHandler: ChannelDuplexHandler {
    typealias InboundIn = WireInbound
    typealias OutboundIn = WireClientCommand
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var promise: EventLoopPromise<ByteBuffer>
        var timeout: Scheduled<Void>?
    }

    private let secret: ClusterSecret
    private let ready: EventLoopPromise<Void>
    private var clientNonce: [UInt8] = []
    private var serverNonce: [UInt8] = []
    private var pending: [UInt64: Pending] = [:]

    init(secret: ClusterSecret, ready: EventLoopPromise<Void>) {
        self.secret = secret
        self.ready = ready
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .hello(let nonce):
            serverNonce = nonce
            clientNonce = Handshake.nonce()
            let mac = Handshake.clientMAC(secret: secret, serverNonce: serverNonce, clientNonce: clientNonce)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: clientNonce + mac)), promise: nil)
        case .serverProof(let mac):
            if Handshake.verifyServer(mac, secret: secret, serverNonce: serverNonce, clientNonce: clientNonce) {
                ready.succeed()
            } else {
                fail(context, RuntimeError(.handshakeFailed, "the server did not prove knowledge of the cluster secret; check MITTEN_SECRET_FILE"))
            }
        case .frame(let frame):
            guard let call = pending.removeValue(forKey: frame.callID) else { return }
            call.timeout?.cancel()
            switch frame.kind {
            case .response: call.promise.succeed(frame.payload)
            case .error: call.promise.fail(WireCodec.error(from: frame.payload))
            case .request, .cancel:
                call.promise.fail(RuntimeError(.malformedFrame, "the server sent a \(frame.kind) frame as a reply"))
            }
        case .clientProof:
            fail(context, RuntimeError(.handshakeFailed, "the server sent a client handshake message"))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .call(let frame, let timeout, let callPromise):
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let callID = frame.callID
            let scheduled = context.eventLoop.scheduleTask(in: timeout) {
                bound.value.expire(callID, timeout: timeout)
            }
            pending[callID] = Pending(promise: callPromise, timeout: scheduled)
            var out = context.channel.allocator.buffer(capacity: 64 + frame.payload.readableBytes)
            frame.write(to: &out)
            context.write(wrapOutboundOut(out), promise: promise)
        case .cancel(let callID):
            guard let call = pending.removeValue(forKey: callID) else {
                promise?.succeed()
                return
            }
            call.timeout?.cancel()
            call.promise.fail(RuntimeError(.cancelled, "the call was cancelled"))
            var out = context.channel.allocator.buffer(capacity: 32)
            Frame(kind: .cancel, callID: callID).write(to: &out)
            context.write(wrapOutboundOut(out), promise: promise)
        }
    }

    private func expire(_ callID: UInt64, timeout: TimeAmount) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        let seconds = Double(timeout.nanoseconds) / 1e9
        call.promise.fail(RuntimeError(.timeout, "no reply within \(seconds) s"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RuntimeError(.connectionClosed, "the connection closed before the reply arrived"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RuntimeError(.connectionClosed, "the connection closed before the reply arrived"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, error)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        ready.fail(error)
        failAll(error as? RuntimeError ?? RuntimeError(.connectionClosed, "the connection failed: \(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: RuntimeError) {
        ready.fail(error)
        let calls = pending
        pending.removeAll()
        for call in calls.values {
            call.timeout?.cancel()
            call.promise.fail(error)
        }
    }
}
