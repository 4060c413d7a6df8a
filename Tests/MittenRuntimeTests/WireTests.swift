import Foundation
import NIOCore
import Testing
@testable import MittenRuntime

@Suite(.timeLimit(.minutes(1)))
struct WireTests {
    let secret = ClusterSecret.random()

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

    @Test(.disabled("restarting a server on the same ephemeral port races other parallel tests in the full suite (passes alone)")) func clientReconnectsAfterServerRestart() async throws {
        let (first, _) = try await startTestServer(secret: secret)
        let port = first.address.port
        let client = WireClient(address: first.address, secret: secret, logger: testLogger)
        let reply = try await client.call(service: "Test", method: "echo", ["n": "1"], as: [String: String].self)
        #expect(reply == ["n": "1"])
        await first.close()
        let restart = Task {
            try await Task.sleep(for: .milliseconds(300))
            return try await startTestServer(secret: secret, port: port).0
        }
        let again = try await client.call(service: "Test", method: "echo", ["n": "2"], as: [String: String].self, timeout: .seconds(10))
        #expect(again == ["n": "2"])
        await client.close()
        try await restart.value.close()
    }

    @Test(.disabled("the closed port it connects to can be taken by another parallel test in the full suite (passes alone)")) func onceClientGivesUpAtOnce() async throws {
        let (server, _) = try await startTestServer(secret: secret)
        let address = server.address
        await server.close()
        let client = WireClient(address: address, secret: secret, policy: .never, logger: testLogger)
        let error = await #expect(throws: RuntimeError.self) {
            try await client.call(service: "Test", method: "echo", ["n": "1"], as: [String: String].self, timeout: .seconds(10))
        }
        #expect(error?.code == .connectFailed)
    }
}
