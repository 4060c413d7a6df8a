import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs short programs to completion (ssh-keygen, gzip, a CLI under test) without
/// Foundation's `Process`: on Linux its SIGCHLD monitoring was seen to miss exits when
/// many programs run at once, leaving `waitUntilExit` blocked on a zombie for good.
/// Here the child is started with `posix_spawn` (default signal dispositions, empty
/// mask) and reaped by `waitpid` on exactly its pid; its output goes through files, so
/// a daemon it leaves behind holding stdout (tmux, `--daemon`) cannot keep a pipe open.
public enum Program {
    /// What a program printed and how it ended.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number that ended it.
        public var status: Int32
        public var stdout: Data
        public var stderr: Data
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        public var error: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Starting the program failed (no such file, not executable, ...).
    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var reason: String
        public var description: String { "cannot run \(executable): \(reason)" }
    }

    /// Runs `executable` (a path, or a name looked up in PATH) and blocks the calling
    /// thread until it ends. `environment` nil means this process's environment.
    public static func runBlocking(
        _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil, input: Data? = nil, directory: String? = nil
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path, errPath = scratch.appendingPathComponent("stderr").path
        var inPath = "/dev/null"
        if let input {
            inPath = scratch.appendingPathComponent("stdin").path
            try input.write(to: URL(fileURLWithPath: inPath))
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnAttributes.configure(&attributes)

        let environment = environment ?? ProcessInfo.processInfo.environment
        // A working directory goes through coreutils' `env --chdir` (glibc's
        // posix_spawn_file_actions_addchdir_np is not visible to Swift here).
        let (executable, arguments) = directory.map { ("/usr/bin/env", ["--chdir=\($0)", "--", executable] + arguments) } ?? (executable, arguments)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        CloseOnExec.markInheritedDescriptors()
        let spawned = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SpawnError(executable: executable, reason: String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnError(executable: executable, reason: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return Result(
            status: code,
            stdout: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
            stderr: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        )
    }

    /// The same, awaited: the blocking part runs on a thread of its own, never on Swift
    /// Concurrency's cooperative pool (one thread per core).
    public static func run(
        _ executable: String, _ arguments: [String],
        environment: [String: String]? = nil, input: Data? = nil, directory: String? = nil
    ) async throws -> Result {
        try await offThePool { try runBlocking(executable, arguments, environment: environment, input: input, directory: directory) }
    }
}

/// Runs blocking work on a thread of its own, never on Swift Concurrency's cooperative
/// pool: that pool has one thread per core (two on CI), so blocking it stalls every task.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
