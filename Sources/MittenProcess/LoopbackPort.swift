#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back,
/// released): for tests and benchmarks on loopback.
public enum LoopbackPort {
    /// Thrown when no probe socket could be bound.
    public struct Unavailable: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "cannot bind a probe socket on 127.0.0.1 (errno \(errno))" }
    }

    /// A free port.
    public static func free() throws -> Int {
        let (descriptor, port) = try hold()
        close(descriptor)
        return port
    }

    /// A port bound on 127.0.0.1 and kept (never listening): connecting to it is refused
    /// and nothing else can take it until the caller closes `descriptor`.
    public static func hold() throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            let error = errno
            close(fd)
            throw Unavailable(errno: error)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
