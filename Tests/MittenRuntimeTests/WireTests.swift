import Foundation
import NIOCore
import MittenTestSupport
import Testing
@testable import MittenRuntime

@Suite(.timeLimit(.minutes(1)))
struct WireTests {
    let secret = ClusterSecret.random()

    /// A frame's names are read in place: what was written reads back, a truncated or
    /// non-UTF-8 name is a malformed frame.
    @Test func frameNamesParseAndRefuseBadBytes() throws {
        var out = ByteBuffer()
        Frame(kind: .request, callID: 7, service: "Queue", method: "pöp", payload: ByteBuffer(bytes: [1, 2])).write(to: &out)
        var body = out.getSlice(at: 4, length: out.readableBytes - 4)!
        #expect(try Frame.parse(body: &body) == Frame(kind: .request, callID: 7, service: "Queue", method: "pöp", payload: ByteBuffer(bytes: [1, 2])))
        for bytes: [UInt8] in [[1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 2, 0xC3, 0x28, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 9, 65]] {
            var bad = ByteBuffer(bytes: bytes)
            #expect { try Frame.parse(body: &bad) } throws: { ($0 as? RuntimeError)?.code == .malformedFrame }
        }
    }

    @Test func roundTripTypedAndRaw() async throws {
        let (server, _) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let echoed = try await connection.call(service: "Test", method: "echo", ["hello": "world"], as: [String: String].self)
        #expect(echoed == ["hello": "world"])
        let raw = try await connection.call(service: "Test", method: "ping", payload: ByteBuffer(bytes: Array(0..<16)))
        #expect(Array(raw.readableBytesView) == Array(0..<16))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let reply = try? await connection.call(service: "Test", method: "echo", ["i": "\(index)"], as: [String: String].self)
                    #expect(reply == ["i": "\(index)"])
                }
            }
        }
        await connection.close()
    }

    @Test func remoteErrorsKeepTheirCode() async throws {
        let (server, _) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let error = await #expect(throws: RuntimeError.self) {
            try await connection.call(service: "Test", method: "fail", WireEmpty(), as: WireEmpty.self)
        }
        #expect(error?.code == .notFound)
        #expect(connection.isActive)
    }

    @Test func timeoutFailsOnlyThatCall() async throws {
        let (server, service) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let error = await #expect(throws: RuntimeError.self) {
            try await connection.call(service: "Test", method: "sleep", ["ms": 5000], as: [String: Int].self, timeout: .milliseconds(100))
        }
        #expect(error?.code == .timeout)
        let reply = try await connection.call(service: "Test", method: "sleep", ["ms": 1], as: [String: Int].self)
        #expect(reply == ["slept": 1])
        _ = service
    }

    /// One timer per connection covers every call's deadline: a short call started after
    /// a long one still times out on time, and the long one is not disturbed.
    @Test func aShorterDeadlineAfterALongerOneStillExpires() async throws {
        let (server, _) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let longDone = Counter()
        let long = Task {
            defer { longDone.increment() }
            return try await connection.call(service: "Test", method: "sleep", ["ms": 20_000], as: [String: Int].self, timeout: .seconds(40))
        }
        try await Task.sleep(for: .milliseconds(50))
        let error = await #expect(throws: RuntimeError.self) {
            try await connection.call(service: "Test", method: "sleep", ["ms": 5000], as: [String: Int].self, timeout: .milliseconds(100))
        }
        #expect(error?.code == .timeout)
        // Had the timer stayed at the long call's deadline, the short one would have failed
        // only then (40 s), after the long one's reply (20 s).
        #expect(longDone.value == 0)
        long.cancel()
        await #expect(throws: RuntimeError.self) { try await long.value }
        // Many deadlines at once, each failing only its own call.
        try await withThrowingTaskGroup(of: RuntimeError.Code?.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        _ = try await connection.call(service: "Test", method: "sleep", ["ms": 3000], as: [String: Int].self, timeout: .milliseconds(50 + 10 * index))
                        return nil
                    } catch let error as RuntimeError { return error.code }
                }
            }
            for try await code in group { #expect(code == .timeout) }
        }
        #expect(try await connection.call(service: "Test", method: "echo", ["still": "here"], as: [String: String].self) == ["still": "here"])
        await connection.close()
    }

    @Test func aCallFromACancelledTaskFailsWithoutBeingSent() async throws {
        let (server, service) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let call = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await connection.call(service: "Test", method: "sleep", ["ms": 20000], as: [String: Int].self)
        }
        let error = await #expect(throws: RuntimeError.self) { try await call.value }
        #expect(error?.code == .cancelled)
        #expect(service.cancelledCalls.value == 0)
        #expect(try await connection.call(service: "Test", method: "echo", ["still": "here"], as: [String: String].self) == ["still": "here"])
        // Not sent at all: a cancelled call to the counting method, then a live one; the
        // server runs both in frame order, so had the first been sent it would count too.
        let counted = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await connection.call(service: "Test", method: "count")
        }
        await #expect(throws: RuntimeError.self) { try await counted.value }
        _ = try await connection.call(service: "Test", method: "count")
        #expect(service.countedCalls.value == 1)
        await connection.close()
    }

    /// Numeric hosts are bound and connected to without name resolution; a name still
    /// resolves.
    @Test func numericAddressesSkipResolutionAndNamesStillResolve() async throws {
        #expect(WireAddress(host: "127.0.0.1", port: 7647).numericSocketAddress?.port == 7647)
        #expect(WireAddress(host: "::1", port: 1).numericSocketAddress != nil)
        #expect(WireAddress(host: "localhost", port: 1).numericSocketAddress == nil)
        #expect(WireAddress(host: "10.0.0.300", port: 1).numericSocketAddress == nil)
        let (server, _) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let byName = try await WireConnection.connect(to: WireAddress(host: "localhost", port: server.address.port), secret: secret)
        #expect(try await byName.call(service: "Test", method: "echo", ["via": "name"], as: [String: String].self) == ["via": "name"])
        await byName.close()
    }

    @Test func cancellationReachesTheServer() async throws {
        let (server, service) = try await startTestServer(secret: secret)
        defer { Task { await server.close() } }
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let call = Task {
            try await connection.call(service: "Test", method: "sleep", ["ms": 20000], as: [String: Int].self)
        }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        let result = await call.result
        #expect(throws: RuntimeError.self) { try result.get() }
        for _ in 0..<100 where service.cancelledCalls.value == 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(service.cancelledCalls.value == 1)
    }

    @Test func droppedConnectionFailsPendingCalls() async throws {
        let (server, _) = try await startTestServer(secret: secret)
        let connection = try await WireConnection.connect(to: server.address, secret: secret)
        let pending = Task {
            try await connection.call(service: "Test", method: "sleep", ["ms": 20000], as: [String: Int].self)
        }
        try await Task.sleep(for: .milliseconds(100))
        await server.close()
        let error = await #expect(throws: RuntimeError.self) { try await pending.value }
        #expect(error?.code == .connectionClosed)
    }

    @Test func clientReconnectsAfterServerRestart() async throws {
        let (first, _) = try await startTestServerOnFixedPort(secret: secret)
        let port = first.address.port
        let client = WireClient(address: first.address, secret: secret, logger: testLogger)
        let reply = try await client.call(service: "Test", method: "echo", ["n": "1"], as: [String: String].self)
        #expect(reply == ["n": "1"])
        await first.close()
        let restart = Task {
            try await Task.sleep(for: .milliseconds(300))
            return try await startTestServer(secret: secret, port: port).0
        }
        // A call that races the old connection's close fails with connectionClosed (the
        // server may or may not have run it); the call after that connects again.
        var again: [String: String]?
        do {
            again = try await client.call(service: "Test", method: "echo", ["n": "2"], as: [String: String].self, timeout: .seconds(30))
        } catch let error as RuntimeError where error.code == .connectionClosed {
            again = try await client.call(service: "Test", method: "echo", ["n": "2"], as: [String: String].self, timeout: .seconds(30))
        }
        #expect(again == ["n": "2"])
        await client.close()
        try await restart.value.close()
    }

    @Test func onceClientGivesUpAtOnce() async throws {
        // A socket bound but never listening holds the port: connecting to it is refused,
        // and no other test can start a server there meanwhile.
        let (holder, port) = try LoopbackPort.hold()
        defer { close(holder) }
        let address = WireAddress(host: "127.0.0.1", port: port)
        let client = WireClient(address: address, secret: secret, policy: .never, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) {
            try await client.call(service: "Test", method: "echo", ["n": "1"], as: [String: String].self, timeout: .seconds(10))
        }
        #expect(error?.code == .connectFailed)
    }
}
