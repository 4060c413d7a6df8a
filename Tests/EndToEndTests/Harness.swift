import Foundation
import MittenTestSupport
import MittenRuntime

/// Runs the built `mitten` binary in a private home directory and cleans up after it.
final class Harness: @unchecked Sendable {
    // @unchecked: `started` is only touched from the test's own task.
    let directory: String
    let binary: String
    var started: [ChildProcess] = []

    init() throws {
        directory = NSTemporaryDirectory() + "mitten-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        binary = try Harness.findBinary()
    }

    static func findBinary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["MITTEN_BINARY"], !path.isEmpty { return path }
        let beside = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]) as NSString
        let candidate = beside.deletingLastPathComponent + "/mitten"
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw RuntimeError(.notFound, "no mitten binary at \(candidate); run `swift build` first or set MITTEN_BINARY")
        }
        return candidate
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        environment["MITTEN_SECRET_FILE"] = directory + "/secret"
        environment["MITTEN_DATA_DIR"] = directory + "/data"
        environment["MITTEN_TASKS"] = directory + "/mitten.yaml"
        environment.removeValue(forKey: "MITTEN_CONTROL")
        return environment
    }

    /// Starts `mitten ARGS` in the background.
    func start(_ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess.spawn(executable: binary, arguments: arguments, environment: environment)
        started.append(child)
        return child
    }

    /// Runs `mitten ARGS` to completion (off the cooperative pool) and returns its exit
    /// status and both streams.
    func run(_ arguments: [String], input: Data? = nil) async throws -> ProgramResult {
        try await runProgram(binary, arguments, environment: environment, input: input)
    }

    /// Writes mitten.yaml with one task type whose workers run `script` under /bin/sh (a
    /// YAML block scalar: no quoting of the script needed).
    func writeShellTask(_ name: String, script: String) throws {
        let indented = script.split(separator: "\n", omittingEmptySubsequences: false).map { "          " + $0 }.joined(separator: "\n")
        try """
        tasks:
          - name: \(name)
            command:
              - /bin/sh
              - -c
              - |
        \(indented)

        """.write(toFile: directory + "/mitten.yaml", atomically: true, encoding: .utf8)
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Starts Control on an ephemeral port and returns its address.
    func startControl() async throws -> String {
        let file = directory + "/control-address"
        _ = try start(["startup", "--type", "Control", "--localhost", "--control", "127.0.0.1:0", "--address-file", file, "--grace", "2", "--log-level", "warning"])
        var address = ""
        _ = try await eventually {
            address = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return !address.isEmpty
        }
        guard !address.isEmpty else { throw RuntimeError(.timeout, "Control did not write its address") }
        return address
    }

    /// Kills everything this harness started, with their descendants, and removes the directory.
    func cleanUp() async {
        for child in started {
            for pid in Processes.descendants(of: child.pid) { kill(pid, SIGKILL) }
            child.send(SIGKILL)
            _ = await child.exitStatus
        }
        // Processes that left the tree (services of a Control the test killed) still
        // carry this harness's secret file in their environment.
        for pid in Processes.carrying(environment: "MITTEN_SECRET_FILE=\(directory)/secret") { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Reading the process table from /proc.
enum Processes {
    /// (pid, parent pid) of every live, non-zombie process.
    static func table() -> [(pid: pid_t, parent: pid_t)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", let parent = pid_t(fields[1]) else { return nil }
            return (pid, parent)
        }
    }

    /// Live processes whose environment holds exactly `entry` (NAME=VALUE).
    static func carrying(environment entry: String) -> [pid_t] {
        let wanted = Array(entry.utf8)
        return table().compactMap { process in
            guard process.pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(process.pid)/environ") else { return nil }
            return data.split(separator: 0).contains { Array($0) == wanted } ? process.pid : nil
        }
    }

    static func children(of pid: pid_t) -> Set<pid_t> {
        Set(table().filter { $0.parent == pid }.map(\.pid))
    }

    static func descendants(of pid: pid_t) -> Set<pid_t> {
        let all = table()
        var found = Set<pid_t>()
        var frontier = [pid]
        while let next = frontier.popLast() {
            for entry in all where entry.parent == next && found.insert(entry.pid).inserted { frontier.append(entry.pid) }
        }
        return found
    }

    static func alive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
