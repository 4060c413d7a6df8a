import NIOCore

/// The client side of one connection: answers the server's greeting, checks the
/// server's proof, then matches replies to pending calls by id. When the connection
/// closes every pending call fails with `connectionClosed`. Lives on its event loop;
/// ``WireConnection`` calls ``start(_:deadline:_:)`` and ``cancel(_:)`` there.
///
/// A call costs one dictionary entry: its continuation is resumed straight from the
/// reply (no promise, future or callback list per call), and one timer per connection
/// covers every call's deadline (no scheduled task per call).
final class WireClientHandler: ChannelInboundHandler {
    typealias InboundIn = WireInbound
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var continuation: UnsafeContinuation<ByteBuffer, any Error>
        var deadline: NIODeadline
        var timeout: TimeAmount
    }

    private let secret: ClusterSecret
    private let ready: EventLoopPromise<Void>
    private var clientNonce: [UInt8] = []
    private var serverNonce: [UInt8] = []
    private var pending: [UInt64: Pending] = [:]
    private var context: ChannelHandlerContext?
    private var closed = false
    /// The deadline timer: due no later than the earliest pending deadline.
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?

    init(secret: ClusterSecret, ready: EventLoopPromise<Void>) {
        self.secret = secret
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Sends `frame` and resumes `continuation` with its reply, or with an error when the
    /// deadline passes or the connection closes first. On the event loop.
    func start(_ frame: Frame, deadline: NIODeadline, timeout: TimeAmount, _ continuation: UnsafeContinuation<ByteBuffer, any Error>) {
        guard let context, !closed else {
            continuation.resume(throwing: RuntimeError(.connectionClosed, "the connection is closed"))
            return
        }
        pending[frame.callID] = Pending(continuation: continuation, deadline: deadline, timeout: timeout)
        if timer.map({ deadline < $0.deadline }) ?? true { armTimer(at: deadline, context: context) }
        var out = context.channel.allocator.buffer(capacity: Frame.fixedBodyLength + 4 + frame.service.utf8.count + frame.method.utf8.count + frame.payload.readableBytes)
        frame.write(to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    /// Gives up on a call: fails it with `cancelled` and tells the server. Nothing when
    /// the call is not pending (answered already, or not started). On the event loop.
    func cancel(_ callID: UInt64) {
        guard let call = pending.removeValue(forKey: callID) else { return }
        call.continuation.resume(throwing: RuntimeError(.cancelled, "the call was cancelled"))
        guard let context, !closed else { return }
        var out = context.channel.allocator.buffer(capacity: 32)
        Frame(kind: .cancel, callID: callID).write(to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private func armTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer?.task.cancel()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = (deadline, context.eventLoop.scheduleTask(deadline: deadline) { bound.value.expireDue() })
    }

    /// Fails every call whose deadline passed and arms the timer for the next one.
    private func expireDue() {
        timer = nil
        let now = NIODeadline.now()
        var next: NIODeadline?
        for (callID, call) in pending {
            if call.deadline <= now {
                pending[callID] = nil
                let seconds = Double(call.timeout.nanoseconds) / 1e9
                call.continuation.resume(throwing: RuntimeError(.timeout, "no reply within \(seconds) s"))
            } else if next.map({ call.deadline < $0 }) ?? true {
                next = call.deadline
            }
        }
        if let next, let context, !closed { armTimer(at: next, context: context) }
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
            switch frame.kind {
            case .response: call.continuation.resume(returning: frame.payload)
            case .error: call.continuation.resume(throwing: WireCodec.error(from: frame.payload))
            case .request, .cancel:
                call.continuation.resume(throwing: RuntimeError(.malformedFrame, "the server sent a \(frame.kind) frame as a reply"))
            }
        case .clientProof:
            fail(context, RuntimeError(.handshakeFailed, "the server sent a client handshake message"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RuntimeError(.connectionClosed, "the connection closed before the reply arrived"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RuntimeError(.connectionClosed, "the connection closed before the reply arrived"))
        self.context = nil
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
        closed = true
        ready.fail(error)
        timer?.task.cancel()
        timer = nil
        let calls = pending
        pending.removeAll()
        for call in calls.values { call.continuation.resume(throwing: error) }
    }
}
