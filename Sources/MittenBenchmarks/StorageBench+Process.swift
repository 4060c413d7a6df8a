import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process's cost: exit status, wall time, and peak resident memory.
struct MeasuredRun {
    var status: Int32
    var seconds: Double
    var peakRSSBytes: Int64
}

/// Runs a program (output discarded unless `showOutput`) and measures it with wait4's rusage.
func runMeasured(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                 showOutput: Bool = false) throws -> MeasuredRun {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if !showOutput {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let started = Date()
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
    guard spawned == 0 else {
        throw BenchFailure("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
    let seconds = Date().timeIntervalSince(started)
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return MeasuredRun(status: exitCode, seconds: seconds, peakRSSBytes: Int64(usage.ru_maxrss) * 1024)
}

/// A benchmark that could not run (not a measurement).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes `size` pseudo-random bytes (incompressible, cheap to make) to `url`.
func writeRandomFile(_ url: URL, size: Int64) throws {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(size)
    var remaining = size
    var chunk = [UInt8](repeating: 0, count: 4 << 20)
    while remaining > 0 {
        let count = Int(min(Int64(chunk.count), remaining))
        chunk.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in 0..<(count + 7) / 8 where index < words.count {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                words[index] = state
            }
        }
        try handle.write(contentsOf: chunk[0..<count])
        remaining -= Int64(count)
    }
}
