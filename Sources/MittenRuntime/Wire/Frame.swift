import NIOCore

/// One message of the wire protocol (see docs/wire-protocol.md):
/// `[u32 length][u8 kind][u64 call id][u16 service length][service][u16 method length][method][payload]`,
/// every integer big-endian, `length` counting the bytes after itself.
public struct Frame: Sendable, Equatable {
    /// What a frame is.
    public enum Kind: UInt8, Sendable {
        /// A call: service and method name what to run, the payload is its argument.
        case request = 1
        /// A successful result for the call with the same id.
        case response = 2
        /// A failed call: payload is JSON `{"code": ..., "message": ...}`.
        case error = 3
        /// The caller gave up on the call with this id; no reply is sent.
        case cancel = 4
    }

    /// The frame's kind.
    public var kind: Kind
    /// Chosen by the caller, unique among its pending calls on one connection.
    public var callID: UInt64
    /// The service a request is for (empty in replies).
    public var service: String
    /// The method a request is for (empty in replies).
    public var method: String
    /// The argument or result bytes.
    public var payload: ByteBuffer

    /// Creates a frame.
    public init(kind: Kind, callID: UInt64, service: String = "", method: String = "", payload: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.callID = callID
        self.service = service
        self.method = method
        self.payload = payload
    }

    /// Bytes of the fixed part after the length field: kind, call id, two name lengths.
    static let fixedBodyLength = 1 + 8 + 2 + 2

    /// The default largest frame body accepted: 1 MiB.
    public static let defaultMaximumLength = 1 << 20

    /// Appends the encoded frame, length prefix included, to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        let serviceCount = service.utf8.count
        let methodCount = method.utf8.count
        let bodyLength = Frame.fixedBodyLength + serviceCount + methodCount + payload.readableBytes
        buffer.reserveCapacity(minimumWritableBytes: 4 + bodyLength)
        buffer.writeInteger(UInt32(bodyLength))
        buffer.writeInteger(kind.rawValue)
        buffer.writeInteger(callID)
        buffer.writeInteger(UInt16(serviceCount))
        buffer.writeString(service)
        buffer.writeInteger(UInt16(methodCount))
        buffer.writeString(method)
        var payload = payload
        buffer.writeBuffer(&payload)
    }

    /// Parses a frame body (the bytes after the length field).
    static func parse(body: inout ByteBuffer) throws -> Frame {
        guard let rawKind = body.readInteger(as: UInt8.self) else { throw malformed("empty frame") }
        guard let kind = Kind(rawValue: rawKind) else { throw malformed("unknown frame kind \(rawKind)") }
        guard let callID = body.readInteger(as: UInt64.self) else { throw malformed("truncated call id") }
        let service = try readName(&body, what: "service")
        let method = try readName(&body, what: "method")
        return Frame(kind: kind, callID: callID, service: service, method: method, payload: body)
    }

    private static func readName(_ body: inout ByteBuffer, what: String) throws -> String {
        guard let count = body.readInteger(as: UInt16.self), body.readableBytes >= Int(count) else {
            throw malformed("truncated \(what) name")
        }
        if count == 0 { return "" }  // every reply
        // Validated in place: no array per name per frame.
        let name = body.readableBytesView.prefix(Int(count)).withContiguousStorageIfAvailable { String(validating: $0, as: UTF8.self) }
        body.moveReaderIndex(forwardBy: Int(count))
        guard let name = name ?? nil else { throw malformed("\(what) name is not UTF-8") }
        return name
    }

    private static func malformed(_ why: String) -> RuntimeError {
        RuntimeError(.malformedFrame, "received a malformed frame (\(why)); the peer does not speak mitten's wire protocol")
    }
}
