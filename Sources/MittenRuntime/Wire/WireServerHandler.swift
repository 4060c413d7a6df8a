import Logging
import NIOCore

/// One server-side connection: greets, verifies the client's proof, then dispatches
/// frames through the hosted services' tables. Anything wrong closes this connection
/// only, with a log line. Lives on its channel's event loop.
final class WireServerHandler: ChannelInboundHandler {
    typealias InboundIn = WireInbound
    typealias OutboundOut = ByteBuffer

    private let services: [String: WireService]
    private let secret: ClusterSecret
    private let logger: Logger
    private let serverNonce = Handshake.nonce()
    private var authenticated = false
    private var running: [UInt64: Task<Void, Never>] = [:]
    private var needsFlush = false

    init(services: [String: WireService], secret: ClusterSecret, logger: Logger) {
        self.services = services
        self.secret = secret
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        var hello = context.channel.allocator.buffer(capacity: Handshake.helloLength)
        hello.writeBytes(Handshake.magic)
        hello.writeInteger(Handshake.version)
        hello.writeBytes(serverNonce)
        context.writeAndFlush(wrapOutboundOut(hello), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        for task in running.values { task.cancel() }
        running.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .clientProof(let clientNonce, let mac):
            guard !authenticated, Handshake.verifyClient(mac, secret: secret, serverNonce: serverNonce, clientNonce: clientNonce) else {
                refuse(context, "the client did not prove knowledge of the cluster secret")
                return
            }
            authenticated = true
            let proof = Handshake.serverMAC(secret: secret, serverNonce: serverNonce, clientNonce: clientNonce)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: proof)), promise: nil)
        case .frame(let frame):
            guard authenticated else {
                refuse(context, "a frame arrived before the handshake")
                return
            }
            dispatch(frame, context: context)
        case .hello, .serverProof:
            refuse(context, "unexpected handshake message")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        refuse(context, "\(error)")
    }

    private func refuse(_ context: ChannelHandlerContext, _ why: String) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        logger.info("closing connection", metadata: [
            "mitten.peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "mitten.reason": "\(why)",
        ])
        context.close(promise: nil)
    }

    private func dispatch(_ frame: Frame, context: ChannelHandlerContext) {
        switch frame.kind {
        case .cancel:
            running.removeValue(forKey: frame.callID)?.cancel()
            return
        case .response, .error:
            refuse(context, "a client sent a reply frame")
            return
        case .request:
            break
        }
        guard let service = services[frame.service] else {
            reply(context, .error, frame.callID, WireCodec.errorPayload(RuntimeError(.unknownService, "this server hosts no service '\(frame.service)'")))
            refuse(context, "unknown service '\(frame.service)'")
            return
        }
        guard let entry = service.methods[frame.method] else {
            reply(context, .error, frame.callID, WireCodec.errorPayload(RuntimeError(.unknownMethod, "service '\(frame.service)' has no method '\(frame.method)'")))
            refuse(context, "unknown method '\(frame.service).\(frame.method)'")
            return
        }
        let calls = entry.calls
        switch entry.run {
        case .inline(let body):
            do {
                reply(context, .response, frame.callID, try body(frame.payload))
                calls.record(failed: false)
            } catch {
                reply(context, .error, frame.callID, WireCodec.errorPayload(error))
                calls.record(failed: true)
            }
        case .async(let body):
            let channel = context.channel
            let callID = frame.callID
            let payload = frame.payload
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            running[callID] = Task {
                var out = ByteBuffer()
                do {
                    let result = try await body(payload)
                    Frame(kind: .response, callID: callID, payload: result).write(to: &out)
                    calls.record(failed: false)
                } catch {
                    Frame(kind: .error, callID: callID, payload: WireCodec.errorPayload(error)).write(to: &out)
                    calls.record(failed: true)
                }
                let reply = out
                channel.eventLoop.execute {
                    guard bound.value.running.removeValue(forKey: callID) != nil else { return }
                    channel.writeAndFlush(reply, promise: nil)
                }
            }
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ kind: Frame.Kind, _ callID: UInt64, _ payload: ByteBuffer) {
        var out = context.channel.allocator.buffer(capacity: Frame.fixedBodyLength + 4 + payload.readableBytes)
        Frame(kind: kind, callID: callID, payload: payload).write(to: &out)
        context.write(wrapOutboundOut(out), promise: nil)
        needsFlush = true
    }
}
