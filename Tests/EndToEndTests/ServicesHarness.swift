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

    static func freePort() throws -> Int { try LoopbackPort.free() }

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
