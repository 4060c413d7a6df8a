import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking TCP connect with a timeout (non-blocking connect + poll), returning a
/// blocking socket for libssh2. Called only off the cooperative thread pool.
enum TCPConnection {
    /// Connects to `host:port` (a name or an IPv4/IPv6 literal), trying each address
    /// until one connects within `timeout`.
    static func connect(host: String, port: Int, timeout: Duration) throws(MittenSSHError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw MittenSSHError(.connectionFailed, "cannot resolve \(host): \(String(cString: gai_strerror(status))); check the address.")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry?.pointee {
            entry = info.ai_next
            let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            switch attempt(fd: fd, address: info.ai_addr, length: info.ai_addrlen, timeout: timeout) {
            case .connected: return fd
            case .timedOut:
                close(fd)
                throw MittenSSHError(.timedOut, "connecting to \(host):\(port) timed out after \(timeout); check that the server is up and reachable.")
            case .failed(let reason):
                close(fd)
                lastError = reason
            }
        }
        throw MittenSSHError(.connectionFailed, "cannot connect to \(host):\(port): \(lastError); check that sshd is running there.")
    }

    private enum Outcome { case connected, timedOut, failed(String) }

    private static func attempt(fd: Int32, address: UnsafeMutablePointer<sockaddr>?, length: socklen_t, timeout: Duration) -> Outcome {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(fd, address, length) != 0 {
            guard errno == EINPROGRESS else { return .failed(String(cString: strerror(errno))) }
            guard wait(fd: fd, events: Int16(POLLOUT), timeout: timeout) else { return .timedOut }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
            guard error == 0 else { return .failed(String(cString: strerror(error))) }
        }
        _ = fcntl(fd, F_SETFL, flags)
        return .connected
    }

    /// Polls one descriptor; true when an event arrived before the timeout.
    static func wait(fd: Int32, events: Int16, timeout: Duration) -> Bool {
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            let result = poll(&descriptor, 1, Int32(clamping: max(1, remaining.milliseconds)))
            if result > 0 { return true }
            if result < 0 && errno != EINTR { return true }  // let the caller see the error
        }
    }

    /// A socket connected to `host:port` once the server has sent the start of an SSH
    /// banner (`SSH-`) within `timeout`, the banner still unread (peeked, not received),
    /// so libssh2 can handshake on the very connection that was probed: sshd starts one
    /// process per connection, and a probe that is closed again costs it a whole one.
    /// Nil when nothing connects, or a port accepts but has no sshd behind it yet (a
    /// booting VM behind NAT).
    static func socketAtSSHBanner(host: String, port: Int, timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        guard let fd = try? connect(host: host, port: port, timeout: timeout) else { return nil }
        let magic = Array("SSH-".utf8)
        var peeked = [UInt8](repeating: 0, count: magic.count)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, wait(fd: fd, events: Int16(POLLIN), timeout: remaining) else { break }
            let count = peeked.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_PEEK)) }
            guard count > 0, magic.starts(with: peeked.prefix(count)) else { break }
            if count == magic.count { return fd }
            // Part of the banner so far; the rest follows in the same line.
            usleep(2000)
        }
        close(fd)
        return nil
    }

    /// True when ``socketAtSSHBanner(host:port:timeout:)`` finds a banner (the
    /// connection is closed again).
    static func sshBannerArrives(host: String, port: Int, timeout: Duration) -> Bool {
        guard let fd = socketAtSSHBanner(host: host, port: port, timeout: timeout) else { return false }
        close(fd)
        return true
    }
}
