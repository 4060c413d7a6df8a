import Foundation
import MittenProcess
#if canImport(Glibc)
import Glibc
#endif

/// Starting and stopping the processes that make a server real. Every process is started
/// with posix_spawn in a new session (so it leads its own process group), and carries
/// `MITTEN_LOCAL_SERVER=<server id>` in its environment so that its descendants can be
/// found in /proc even after they left the group (e.g. sshd's per-login sessions).
enum ProcessControl {
    /// The environment variable that marks every process of a server.
    static let markerVariable = "MITTEN_LOCAL_SERVER"

    /// Spawns `arguments[0]` with `arguments` in a new session, stdin from /dev/null and
    /// stdout+stderr appended to `logPath`. Returns the PID (= process group = session id).
    static func spawn(_ arguments: [String], environment: [String: String], logPath: String) throws -> Int32 {
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&actions)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&actions)
        }
        SpawnAttributes.configure(&attributes, newSession: true)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        CloseOnExec.markInheritedDescriptors()
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw LocalCloudError(.spawn, "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Whether the process exists and is not a zombie (reaping it if it is our child).
    static func isAlive(_ pid: Int32) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// PIDs of live processes whose environment carries the server's marker.
    static func markedProcesses(serverID: String) -> [Int32] {
        let marker = Array("\(markerVariable)=\(serverID)".utf8) + [0]
        let own = getpid()
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { Int32($0) }.filter { pid in
            guard pid != own, let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            let bytes = [UInt8](environ)
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == 0 {
                if index - start + 1 == marker.count, Array(bytes[start...index]) == marker { return isAlive(pid) }
                start = index + 1
            }
            return false
        }
    }

    /// Terminates a server's process groups and every marked process: SIGTERM, then SIGKILL
    /// after `grace` seconds. Returns the PIDs still alive afterwards (empty on success).
    @discardableResult
    static func terminate(serverID: String, groups: [Int32], grace: Double = 3) -> [Int32] {
        func targets() -> [Int32] { (groups.filter(isAlive) + markedProcesses(serverID: serverID)).uniqued() }
        for group in groups where group > 1 { kill(-group, SIGTERM) }
        for pid in markedProcesses(serverID: serverID) { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, !targets().isEmpty { usleep(20_000) }
        for group in groups where group > 1 { kill(-group, SIGKILL) }
        for pid in targets() { kill(pid, SIGKILL) }
        let killDeadline = Date().addingTimeInterval(2)
        var left = targets()
        while Date() < killDeadline, !left.isEmpty {
            usleep(20_000)
            left = targets()
        }
        return left
    }

    /// Runs a short command to completion and returns its exit status and output
    /// (stdout then stderr). Blocks the calling thread: call it from `offThePool`.
    static func run(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: Data) {
        do {
            let result = try Program.runBlocking(arguments[0], Array(arguments.dropFirst()), input: input)
            return (result.status, result.stdout + result.stderr)
        } catch let error as Program.SpawnError {
            throw LocalCloudError(.spawn, error.description)
        }
    }

    /// Decompresses gzip data with the system's gzip.
    static func gunzip(_ data: Data) throws -> Data {
        let result: Program.Result
        do { result = try Program.runBlocking("/bin/gzip", ["-dc"], input: data) } catch { throw LocalCloudError(.spawn, "\(error)") }
        guard result.status == 0 else { throw LocalCloudError(.userData, "gzip data could not be decompressed") }
        return result.stdout
    }
}

extension Array where Element: Hashable {
    /// The elements in order, without repeats.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
