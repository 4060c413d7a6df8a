import Foundation
import MittenTestSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child process started with posix_spawn and MittenProcess's spawn
/// attributes (clean signal mask, default handlers), waited for with waitpid. Foundation's Process did not do here: an
/// ssh-agent it started ignored SIGTERM, and runs that waited for short-lived
/// children (ssh, ssh-add) hung with the child left a zombie.
final class ChildProcess: Sendable {
    let pid: pid_t
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `path` with `arguments`; output goes to the given files (or /dev/null).
    init(_ path: String, _ arguments: [String], environment: [String: String]? = nil, standardOutput: String = "/dev/null", standardError: String = "/dev/null") throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnAttributes.configure(&attributes)
        CloseOnExec.markInheritedDescriptors()
        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        self.pid = pid
    }

    /// Waits for the child to exit (once); returns its exit status (128+N for signal N).
    @discardableResult
    func wait() -> Int32 {
        if let known = exitStatus.withLock({ $0 }) { return known }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return record(status)
    }

    /// True once the child has exited (reaps it without blocking).
    var hasExited: Bool {
        if exitStatus.withLock({ $0 }) != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        record(status)
        return true
    }

    /// Sends SIGTERM to this PID (unless it already exited) and waits for it.
    func terminate() {
        if !hasExited { kill(pid, SIGTERM) }
        wait()
    }

    @discardableResult
    private func record(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        exitStatus.withLock { $0 = code }
        return code
    }
}

/// Runs a program to completion and returns its exit status and output (tests only).
func runProgram(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String, error: String) {
    let base = NSTemporaryDirectory() + "/mitten-ssh-run-\(UUID().uuidString)"
    defer {
        unlink(base + ".out")
        unlink(base + ".err")
    }
    let child = try ChildProcess(path, arguments, environment: environment, standardOutput: base + ".out", standardError: base + ".err")
    let status = child.wait()
    let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
    let error = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
    return (status, output, error)
}
