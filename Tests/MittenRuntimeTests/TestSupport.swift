import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
@testable import MittenRuntime

let testLogger: Logger = {
    var logger = Logger(label: "mitten.tests")
    logger.logLevel = ProcessInfo.processInfo.environment["MITTEN_TEST_LOG"] == nil ? .critical : .debug
    return logger
}()

/// A small service for wire tests: echo, a slow method that notices cancellation, inline
/// ping, and an inline method that counts the requests that reached the server (inline
/// methods run in the order their frames arrive).
final class TestService: Sendable {
    let cancelledCalls = Counter()
    let countedCalls = Counter()

    var wireService: WireService {
        var service = WireService(name: "Test")
        service.on("echo", [String: String].self) { $0 }
        service.on("sleep", [String: Int].self) { [cancelledCalls] argument in
            do {
                try await Task.sleep(for: .milliseconds(argument["ms"] ?? 0))
            } catch {
                cancelledCalls.increment()
                throw error
            }
            return ["slept": argument["ms"] ?? 0]
        }
        service.on("fail", WireEmpty.self) { _ -> WireEmpty in
            throw RuntimeError(.notFound, "nothing here")
        }
        service.onInline("ping") { $0 }
        service.onInline("count") { [countedCalls] payload in
            countedCalls.increment()
            return payload
        }
        return service
    }
}

final class Counter: Sendable {
    private let box = NIOLockedValueBox(0)
    func increment() { box.withLockedValue { $0 += 1 } }
    var value: Int { box.withLockedValue { $0 } }
}

/// Starts a server hosting `TestService` on an ephemeral loopback port.
func startTestServer(secret: ClusterSecret, port: Int = 0, maximumFrameLength: Int = Frame.defaultMaximumLength) async throws -> (WireServer, TestService) {
    let service = TestService()
    let server = try await WireServer.bind(host: "127.0.0.1", port: port, services: [service.wireService], secret: secret,
                                           maximumFrameLength: maximumFrameLength, logger: testLogger)
    return (server, service)
}

/// A test server on a port below Linux's ephemeral range (32768-60999), so that no
/// other test's outgoing connection or port-0 listener can take the port while a test
/// closes and re-binds it.
func startTestServerOnFixedPort(secret: ClusterSecret) async throws -> (WireServer, TestService) {
    var lastError: (any Error)?
    for _ in 0..<50 {
        do { return try await startTestServer(secret: secret, port: Int.random(in: 20_000..<32_000)) } catch { lastError = error }
    }
    throw lastError!
}

/// A blocking loopback socket for sending raw bytes (garbage, oversized frames).
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RuntimeError(.connectFailed, "raw connect failed") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func receive(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while result.count < count {
            let n = recv(fd, &buffer, min(buffer.count, count - result.count), 0)
            if n <= 0 { break }
            result += buffer[0..<n]
        }
        return result
    }

    /// Reads until the peer closes; true when it closed (rather than timing out).
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    func close() { Glibc.close(fd) }

    /// Performs the client side of the handshake with `secret`.
    func handshake(secret: ClusterSecret) -> Bool {
        let hello = receive(count: Handshake.helloLength)
        guard hello.count == Handshake.helloLength else { return false }
        let serverNonce = Array(hello[(Handshake.magic.count + 2)...])
        let clientNonce = Handshake.nonce()
        send(clientNonce + Handshake.clientMAC(secret: secret, serverNonce: serverNonce, clientNonce: clientNonce))
        let proof = receive(count: Handshake.macLength)
        return Handshake.verifyServer(proof, secret: secret, serverNonce: serverNonce, clientNonce: clientNonce)
    }
}
