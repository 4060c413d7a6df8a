import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The machine's floor for W1: two threads ping-pong 16 bytes over a loopback TCP
/// connection with blocking reads and writes (TCP_NODELAY), no framing, no runtime.
/// An RPC round trip cannot be cheaper than this on the same machine.
enum LoopbackFloor {
    /// The median round trip in microseconds over `rounds` round trips.
    static func measure(rounds: Int) throws -> Double {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(listener, raw, length) == 0, listen(listener, 1) == 0, getsockname(listener, raw, &length) == 0 else {
                    throw POSIXError(.EADDRINUSE)
                }
            }
        }
        let echo = Thread {
            let peer = accept(listener, nil, nil)
            guard peer >= 0 else { return }
            noDelay(peer)
            var buffer = [UInt8](repeating: 0, count: 16)
            while readFully(peer, &buffer) { _ = write(peer, buffer, 16) }
            close(peer)
        }
        echo.start()
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        noDelay(client)
        var buffer = [UInt8](repeating: 7, count: 16)
        var samples: [Double] = []
        samples.reserveCapacity(rounds)
        let clock = ContinuousClock()
        for round in 0..<(rounds + 1000) {
            let started = clock.now
            guard write(client, buffer, 16) == 16, readFully(client, &buffer) else { throw POSIXError(.EPIPE) }
            if round >= 1000 { samples.append(Bench.micros(clock.now - started)) }
        }
        samples.sort()
        return Bench.percentile(samples, 0.5)
    }

    private static func noDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func readFully(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var got = 0
        while got < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if count <= 0 { return false }
            got += count
        }
        return true
    }
}
