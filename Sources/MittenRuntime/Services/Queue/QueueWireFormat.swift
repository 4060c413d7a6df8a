import NIOCore

/// The binary payloads of the queue's hot methods, `push`, `pop`, `ack` and `nack`
/// (docs/wire-protocol.md, "Queue"): every integer big-endian, every item's bytes
/// length-prefixed. JSON with base64 cost a quarter of the queue process's CPU per item
/// and more on the clients; these layouts are copied, not parsed.
enum QueueWireFormat {
    /// `push` request: `u8 lane, u32 count, count x (u32 length, bytes)`.
    static func encodePush(lane: QueueLane, items: [[UInt8]]) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(5 + items.reduce(0) { $0 + 4 + $1.count })
        out.writeInteger(UInt8(lane.rawValue))
        out.writeInteger(UInt32(items.count))
        for item in items {
            out.writeInteger(UInt32(item.count))
            out.writeBytes(item)
        }
        return out
    }

    static func decodePush(_ payload: ByteBuffer) throws -> (lane: QueueLane, items: [[UInt8]]) {
        var input = payload
        let lane = try readLane(&input)
        let count = try read(UInt32.self, &input, "the item count")
        // Every item needs at least its 4-byte length: a count beyond that is a lie.
        guard Int(count) <= input.readableBytes / 4 else { throw truncated("push", "items") }
        var items: [[UInt8]] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            let length = try read(UInt32.self, &input, "an item length")
            guard let bytes = input.readBytes(length: Int(length)) else { throw truncated("push", "an item") }
            items.append(bytes)
        }
        try expectEnd(input, "push")
        return (lane, items)
    }

    /// `push` reply: `u32 count, count x i64 id`.
    static func encodeIDs(_ ids: [Int64]) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(4 + 8 * ids.count)
        out.writeInteger(UInt32(ids.count))
        for id in ids { out.writeInteger(id) }
        return out
    }

    static func decodeIDs(_ payload: ByteBuffer) throws -> [Int64] {
        var input = payload
        let count = try read(UInt32.self, &input, "the id count")
        guard Int(count) <= input.readableBytes / 8 else { throw truncated("push reply", "ids") }
        return try (0..<count).map { _ in try read(Int64.self, &input, "an id") }
    }

    /// `pop` request: `u8 lane, u32 limit, i64 lease ms (-1: the queue's default), i64 wait ms`.
    struct PopRequest: Equatable {
        var lane: QueueLane
        var limit: Int
        var leaseMilliseconds: Int64?
        var waitMilliseconds: Int64
    }

    static func encodePop(_ request: PopRequest) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(21)
        out.writeInteger(UInt8(request.lane.rawValue))
        out.writeInteger(UInt32(clamping: max(0, request.limit)))
        out.writeInteger(request.leaseMilliseconds ?? -1)
        out.writeInteger(request.waitMilliseconds)
        return out
    }

    static func decodePop(_ payload: ByteBuffer) throws -> PopRequest {
        var input = payload
        let lane = try readLane(&input)
        let limit = try read(UInt32.self, &input, "the limit")
        let lease = try read(Int64.self, &input, "the lease length")
        let wait = try read(Int64.self, &input, "the wait")
        try expectEnd(input, "pop")
        return PopRequest(lane: lane, limit: Int(limit), leaseMilliseconds: lease == -1 ? nil : lease, waitMilliseconds: wait)
    }

    /// `pop` reply: `u32 count, count x (i64 item, u32 delivery, i64 expiry ms since 1970, u32 length, bytes)`.
    static func encodeDeliveries(_ deliveries: [QueueDelivery]) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(4 + deliveries.reduce(0) { $0 + 24 + $1.body.count })
        out.writeInteger(UInt32(deliveries.count))
        for delivery in deliveries {
            writeLease(delivery.lease, to: &out)
            out.writeInteger(delivery.expiresAt.milliseconds)
            out.writeInteger(UInt32(delivery.body.count))
            out.writeBytes(delivery.body)
        }
        return out
    }

    static func decodeDeliveries(_ payload: ByteBuffer) throws -> [QueueDelivery] {
        var input = payload
        let count = try read(UInt32.self, &input, "the item count")
        guard Int(count) <= input.readableBytes / 24 else { throw truncated("pop reply", "items") }
        var deliveries: [QueueDelivery] = []
        deliveries.reserveCapacity(Int(count))
        for _ in 0..<count {
            let lease = try readLease(&input)
            let expiry = try read(Int64.self, &input, "an expiry")
            let length = try read(UInt32.self, &input, "an item length")
            guard let body = input.readBytes(length: Int(length)) else { throw truncated("pop reply", "an item") }
            deliveries.append(QueueDelivery(lease: lease, body: body, expiresAt: Timestamp(milliseconds: expiry)))
        }
        try expectEnd(input, "pop reply")
        return deliveries
    }

    /// `ack` / `nack` request: `u32 count, count x (i64 item, u32 delivery)`.
    static func encodeLeases(_ leases: [LeaseID]) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(4 + 12 * leases.count)
        out.writeInteger(UInt32(leases.count))
        for lease in leases { writeLease(lease, to: &out) }
        return out
    }

    static func decodeLeases(_ payload: ByteBuffer) throws -> [LeaseID] {
        var input = payload
        let count = try read(UInt32.self, &input, "the lease count")
        guard Int(count) <= input.readableBytes / 12 else { throw truncated("ack", "leases") }
        var leases: [LeaseID] = []
        leases.reserveCapacity(Int(count))
        for _ in 0..<count {
            let lease = try readLease(&input)
            guard lease.item > 0, lease.delivery > 0 else { throw LeaseID.notALease(lease.description) }
            leases.append(lease)
        }
        try expectEnd(input, "ack")
        return leases
    }

    /// `ack` / `nack` reply: `u32 accepted, u32 refused, refused x (i64 item, u32 delivery,
    /// u16 code length, code, u32 message length, message)`, texts in UTF-8.
    static func encodeResult(_ result: LeaseBatchResult) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeInteger(UInt32(clamping: result.accepted))
        out.writeInteger(UInt32(result.refused.count))
        for refusal in result.refused {
            writeLease(refusal.lease, to: &out)
            let code = Array(refusal.code.utf8.prefix(Int(UInt16.max)))
            out.writeInteger(UInt16(code.count))
            out.writeBytes(code)
            out.writeInteger(UInt32(refusal.message.utf8.count))
            out.writeString(refusal.message)
        }
        return out
    }

    static func decodeResult(_ payload: ByteBuffer) throws -> LeaseBatchResult {
        var input = payload
        let accepted = try read(UInt32.self, &input, "the accepted count")
        let count = try read(UInt32.self, &input, "the refused count")
        guard Int(count) <= input.readableBytes / 18 else { throw truncated("ack reply", "refusals") }
        var refused: [LeaseBatchResult.Refusal] = []
        for _ in 0..<count {
            let lease = try readLease(&input)
            let codeLength = try read(UInt16.self, &input, "a code length")
            guard let code = input.readString(length: Int(codeLength)) else { throw truncated("ack reply", "a code") }
            let messageLength = try read(UInt32.self, &input, "a message length")
            guard let message = input.readString(length: Int(messageLength)) else { throw truncated("ack reply", "a message") }
            refused.append(.init(lease: lease, code: code, message: message))
        }
        try expectEnd(input, "ack reply")
        return LeaseBatchResult(accepted: Int(accepted), refused: refused)
    }

    /// A lease on the wire: `i64 item, u32 delivery`.
    private static func writeLease(_ lease: LeaseID, to out: inout ByteBuffer) {
        out.writeInteger(lease.item)
        out.writeInteger(UInt32(clamping: lease.delivery))
    }

    private static func readLease(_ input: inout ByteBuffer) throws -> LeaseID {
        let item = try read(Int64.self, &input, "an item id")
        let delivery = try read(UInt32.self, &input, "a delivery number")
        return LeaseID(item: item, delivery: Int(delivery))
    }

    private static func readLane(_ input: inout ByteBuffer) throws -> QueueLane {
        let raw = try read(UInt8.self, &input, "the lane")
        guard let lane = QueueLane(rawValue: Int(raw)) else {
            throw RuntimeError(.badPayload, "unknown queue lane \(raw) (0: the queue, 1: its dead-letter queue)")
        }
        return lane
    }

    private static func read<T: FixedWidthInteger>(_ type: T.Type, _ input: inout ByteBuffer, _ what: String) throws -> T {
        try WirePayload.read(type, &input, what, section: "Queue")
    }

    private static func truncated(_ method: String, _ what: String) -> RuntimeError {
        RuntimeError(.badPayload, "the \(method) payload is too short for its \(what) (see docs/wire-protocol.md, Queue)")
    }

    private static func expectEnd(_ input: ByteBuffer, _ method: String) throws {
        try WirePayload.expectEnd(input, method, section: "Queue")
    }
}
