import NIOCore
import Testing
@testable import MittenRuntime

/// The queue's binary payloads: what is encoded decodes to the same values, and a
/// payload that is short, long or lies about its counts is refused with `badPayload`.
@Suite struct QueueWireFormatTests {
    @Test func roundTrips() throws {
        let items: [[UInt8]] = [[], [0, 1, 2], Array("héllo".utf8), [UInt8](repeating: 0xFF, count: 70_000)]
        let push = try QueueWireFormat.decodePush(QueueWireFormat.encodePush(lane: .dead, items: items))
        #expect(push.lane == .dead && push.items == items)
        #expect(try QueueWireFormat.decodeIDs(QueueWireFormat.encodeIDs([1, 2, Int64.max])) == [1, 2, Int64.max])
        for request in [QueueWireFormat.PopRequest(lane: .main, limit: 7, leaseMilliseconds: nil, waitMilliseconds: 0),
                        QueueWireFormat.PopRequest(lane: .dead, limit: 1000, leaseMilliseconds: 1500, waitMilliseconds: 30_000)] {
            #expect(try QueueWireFormat.decodePop(QueueWireFormat.encodePop(request)) == request)
        }
        let deliveries = [QueueDelivery(lease: LeaseID(item: 42, delivery: 3), body: [9, 8], expiresAt: Timestamp(milliseconds: 1_764_000_000_123)),
                          QueueDelivery(lease: LeaseID(item: 43, delivery: 1), body: [], expiresAt: Timestamp(milliseconds: 5))]
        #expect(try QueueWireFormat.decodeDeliveries(QueueWireFormat.encodeDeliveries(deliveries)) == deliveries)
        let leases = [LeaseID(item: 1, delivery: 1), LeaseID(item: 99, delivery: 5)]
        #expect(try QueueWireFormat.decodeLeases(QueueWireFormat.encodeLeases(leases)) == leases)
        let result = LeaseBatchResult(accepted: 3, refused: [.init(lease: LeaseID(item: 7, delivery: 2), code: "expiredLease", message: "lease 7.2 ran out — pop again")])
        #expect(try QueueWireFormat.decodeResult(QueueWireFormat.encodeResult(result)) == result)
    }

    @Test func malformedPayloadsAreRefused() throws {
        func refused(_ body: () throws -> Void) -> Bool {
            do { try body(); return false } catch let error as RuntimeError { return error.code == .badPayload } catch { return false }
        }
        var short = QueueWireFormat.encodePush(lane: .main, items: [[1, 2, 3]])
        short.moveWriterIndex(to: short.writerIndex - 1)
        #expect(refused { _ = try QueueWireFormat.decodePush(short) })
        var long = QueueWireFormat.encodePush(lane: .main, items: [[1]])
        long.writeInteger(UInt8(0))
        #expect(refused { _ = try QueueWireFormat.decodePush(long) })
        var lying = ByteBuffer()
        lying.writeInteger(UInt8(0))
        lying.writeInteger(UInt32.max)
        #expect(refused { _ = try QueueWireFormat.decodePush(lying) })
        var lane = ByteBuffer()
        lane.writeInteger(UInt8(9))
        lane.writeInteger(UInt32(0))
        #expect(refused { _ = try QueueWireFormat.decodePush(lane) })
        #expect(refused { _ = try QueueWireFormat.decodePop(ByteBuffer(bytes: [0, 0, 0, 0, 1])) })
        #expect(refused { _ = try QueueWireFormat.decodeDeliveries(ByteBuffer(bytes: [0, 0, 0, 2, 1])) })
        // A lease with item or delivery 0 is not a lease.
        #expect(throws: RuntimeError.self) { try QueueWireFormat.decodeLeases(QueueWireFormat.encodeLeases([LeaseID(item: 0, delivery: 1)])) }
    }
}
