import Foundation
import NIOCore
import Testing
@testable import MittenRuntime

/// Every kind of bad input closes that connection only: a healthy connection opened
/// before keeps working afterwards.
@Suite(.timeLimit(.minutes(1)))
struct WireRefusalTests {
    let secret = ClusterSecret.random()

    private func withHealthyConnection(_ body: (WireServer) async throws -> Void) async throws {
        let (server, _) = try await startTestServer(secret: secret)
        let healthy = try await WireConnection.connect(to: server.address, secret: secret)
        try await body(server)
        let reply = try await healthy.call(service: "Test", method: "echo", ["still": "here"], as: [String: String].self)
        #expect(reply == ["still": "here"])
        await healthy.close()
        await server.close()
    }

    @Test func wrongSecretIsRefused() async throws {
        try await withHealthyConnection { server in
            let error = await #expect(throws: RuntimeError.self) {
                try await WireConnection.connect(to: server.address, secret: ClusterSecret.random())
            }
            #expect(error?.code == .handshakeFailed)
        }
    }

    @Test func garbageBytesAreRefused() async throws {
        try await withHealthyConnection { server in
            let socket = try RawSocket(port: server.address.port)
            defer { socket.close() }
            _ = socket.receive(count: Handshake.helloLength)
            socket.send((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) })
            #expect(socket.waitForClose())
        }
    }

    @Test func framesBeforeTheHandshakeAreNeverDispatched() async throws {
        try await withHealthyConnection { server in
            let socket = try RawSocket(port: server.address.port)
            defer { socket.close() }
            var frame = ByteBuffer()
            Frame(kind: .request, callID: 1, service: "Test", method: "echo", payload: ByteBuffer(string: "{}")).write(to: &frame)
            socket.send(Array(frame.readableBytesView) + [UInt8](repeating: 0, count: 64))
            #expect(socket.waitForClose())
        }
    }

    @Test func oversizedFrameIsRefused() async throws {
        try await withHealthyConnection { server in
            let socket = try RawSocket(port: server.address.port)
            defer { socket.close() }
            #expect(socket.handshake(secret: secret))
            var header = ByteBuffer()
            header.writeInteger(UInt32(Frame.defaultMaximumLength + 1))
            socket.send(Array(header.readableBytesView) + [UInt8](repeating: 1, count: 1024))
            #expect(socket.waitForClose())
        }
    }

    @Test func unknownServiceAndMethodAreRefused() async throws {
        try await withHealthyConnection { server in
            let connection = try await WireConnection.connect(to: server.address, secret: secret)
            let error = await #expect(throws: RuntimeError.self) {
                try await connection.call(service: "Test", method: "launchMissiles", WireEmpty(), as: WireEmpty.self)
            }
            #expect(error?.code == .unknownMethod)
            let other = try await WireConnection.connect(to: server.address, secret: secret)
            let serviceError = await #expect(throws: RuntimeError.self) {
                try await other.call(service: "Nope", method: "echo", WireEmpty(), as: WireEmpty.self)
            }
            #expect(serviceError?.code == .unknownService)
        }
    }
}
