import Foundation
import MittenProcess
import Synchronization

/// How a child process ended.
public enum ProcessExit: Sendable, Equatable, CustomStringConvertible {
    /// It called exit with this code.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// A process started with `posix_spawn` (never `fork` without `exec`: unsafe once NIO
/// and Dispatch threads exist). Signal dispositions the parent changed (ServiceLifecycle
/// ignores SIGTERM/SIGINT to catch them) are reset to their defaults in the child.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    private let exitTask: Task<ProcessExit, Never>
    /// Set once waitpid has reaped the child, so a recycled pid is never signalled.
    private let reaped: ReapedFlag

    private init(pid: pid_t) {
        self.pid = pid
        let reaped = ReapedFlag()
        self.reaped = reaped
        exitTask = Task.detached {
            await withCheckedContinuation { continuation in
                // A dedicated thread blocks in waitpid for exactly this pid, so it never
                // reaps another component's children and never blocks the task pool.
                let thread = Thread {
                    var status: Int32 = 0
                    // WNOWAIT first: learn that it ended while the pid stays reserved, mark it
                    // reaped, then reap it, so `send` can never hit a recycled pid.
                    var info = siginfo_t()
                    while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                    reaped.value.store(true, ordering: .sequentiallyConsistent)
                    while waitpid(pid, &status, 0) < 0 {
                        if errno != EINTR {
                            continuation.resume(returning: ProcessExit.exited(127))
                            return
                        }
                    }
                    continuation.resume(returning: ProcessExit(waitStatus: status))
                }
                thread.stackSize = 64 * 1024
                thread.start()
            }
        }
    }

    /// Starts `executable` with `arguments` (argv[1...]) and exactly `environment`.
    /// `newSession` detaches it from the terminal and `nullStdio` points its standard
    /// input, output and error at /dev/null (both for `--daemon`).
    public static func spawn(executable: String, arguments: [String], environment: [String: String], newSession: Bool = false, nullStdio: Bool = false) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if nullStdio {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnAttributes.configure(&attributes, newSession: newSession)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        CloseOnExec.markInheritedDescriptors()
        // A bare name (a task's `command: [python3, ...]`) is looked up in PATH.
        let result = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw RuntimeError(.spawnFailed, "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end (any number of callers may wait).
    public var exitStatus: ProcessExit {
        get async { await exitTask.value }
    }

    /// Sends `signal` to the child (ignored once it has been reaped).
    public func send(_ signal: Int32) {
        guard !reaped.value.load(ordering: .sequentiallyConsistent) else { return }
        kill(pid, signal)
    }

    /// Sends SIGTERM, waits up to `grace`, then SIGKILL; returns how it ended.
    @discardableResult
    public func terminate(grace: Duration) async -> ProcessExit {
        send(SIGTERM)
        let exited = await withTaskGroup(of: ProcessExit?.self) { group in
            group.addTask { await self.exitStatus }
            group.addTask {
                try? await Task.sleep(for: grace)
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
        if let exited { return exited }
        send(SIGKILL)
        return await exitStatus
    }

    /// The path of the running executable (`/proc/self/exe`), to re-execute mitten.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Whether a child has ended (shared with its waiting thread).
private final class ReapedFlag: Sendable {
    let value = Atomic<Bool>(false)
}
