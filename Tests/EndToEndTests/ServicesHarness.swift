import Foundation
import MittenTestSupport
import MittenRuntime

extension Harness {
    /// Starts Control on a fixed free loopback port (so a restarted Control comes back at
    /// the same address) and returns the address.
    func startControlOnFixedPort() async throws -> String {
        let address = "127.0.0.1:\(try Self.freePort())"
        _ = try start(["startup", "--type", "Control", "--localhost", "--control", address, "--grace", "2", "--log-level", "warning"])
        guard try await eventually(20, { try await run(["status", "--control", address, "--timeout", "1"]).status == 0 }) else {
            throw RuntimeError(.timeout, "Control did not answer at \(address)")
        }
        return address
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw RuntimeError(.connectFailed, "cannot bind a probe socket (errno \(errno))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The pids of live processes whose argv contains `words` in order, consecutively.
    func processes(matching words: [String]) -> [pid_t] {
        Processes.table().compactMap { entry in
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry.pid)/cmdline") else { return nil }
            let argv = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard argv.count >= words.count else { return nil }
            for start in 0...(argv.count - words.count) where Array(argv[start..<(start + words.count)]) == words {
                return entry.pid
            }
            return nil
        }
    }

    /// `mitten queue stats NAME --json` decoded.
    func queueStats(_ name: String, control: String) async throws -> QueueStatistics? {
        let result = try await run(["queue", "stats", name, "--json", "--control", control, "--timeout", "5s"])
        guard result.status == 0 else { return nil }
        return try? JSONDecoder().decode(QueueStatistics.self, from: Data(result.output.utf8))
    }
}
