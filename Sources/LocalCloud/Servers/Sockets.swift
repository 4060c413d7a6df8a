import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a TCP connection to host:port succeeds right now.
func canConnect(host: String, port: Int) -> Bool {
    withIPv4Socket(host: host, port: port) { fd, address in
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Whether host:port can be bound right now (no one else listens there).
func canBind(host: String, port: Int) -> Bool {
    withIPv4Socket(host: host, port: port) { fd, address in
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

private func withIPv4Socket(host: String, port: Int, _ body: (Int32, inout sockaddr_in) -> Bool) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
    return body(fd, &address)
}
