import NIOCore

/// What the decoder hands to a connection handler: handshake messages, then frames.
enum WireInbound: Sendable {
    /// Server -> client: magic, version and the server's nonce.
    case hello(nonce: [UInt8])
    /// Client -> server: the client's nonce and its proof.
    case clientProof(nonce: [UInt8], mac: [UInt8])
    /// Server -> client: the server's proof.
    case serverProof(mac: [UInt8])
    /// A frame, after the handshake.
    case frame(Frame)
}

/// Splits the byte stream into handshake messages and then length-prefixed frames.
/// The handshake is fixed-size; frames over the cap or with a short body are errors,
/// which close the connection.
struct WireDecoder: ByteToMessageDecoder {
    typealias InboundOut = WireInbound

    enum Phase {
        case serverAwaitingProof
        case clientAwaitingHello
        case clientAwaitingProof
        case frames
    }

    var phase: Phase
    let maximumFrameLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch phase {
        case .clientAwaitingHello:
            guard buffer.readableBytes >= Handshake.helloLength else { return .needMoreData }
            let magic = buffer.readBytes(length: Handshake.magic.count)!
            let version = buffer.readInteger(as: UInt16.self)!
            let nonce = buffer.readBytes(length: Handshake.nonceLength)!
            guard magic == Handshake.magic, version == Handshake.version else {
                throw RuntimeError(.handshakeFailed, "the server did not greet with mitten's wire protocol version \(Handshake.version)")
            }
            phase = .clientAwaitingProof
            context.fireChannelRead(wrapInboundOut(.hello(nonce: nonce)))
        case .serverAwaitingProof:
            guard buffer.readableBytes >= Handshake.clientProofLength else { return .needMoreData }
            let nonce = buffer.readBytes(length: Handshake.nonceLength)!
            let mac = buffer.readBytes(length: Handshake.macLength)!
            phase = .frames
            context.fireChannelRead(wrapInboundOut(.clientProof(nonce: nonce, mac: mac)))
        case .clientAwaitingProof:
            guard buffer.readableBytes >= Handshake.macLength else { return .needMoreData }
            let mac = buffer.readBytes(length: Handshake.macLength)!
            phase = .frames
            context.fireChannelRead(wrapInboundOut(.serverProof(mac: mac)))
        case .frames:
            guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
            guard Int(length) <= maximumFrameLength else {
                throw RuntimeError(.frameTooLarge, "a frame of \(length) bytes exceeds the cap of \(maximumFrameLength) bytes")
            }
            guard Int(length) >= Frame.fixedBodyLength else {
                throw RuntimeError(.malformedFrame, "a frame of \(length) bytes is shorter than the fixed header")
            }
            guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: 4)
            var body = buffer.readSlice(length: Int(length))!
            context.fireChannelRead(wrapInboundOut(.frame(try Frame.parse(body: &body))))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
