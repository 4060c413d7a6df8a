import Foundation
import MittenRuntime

/// A private home, secret and data directory for benchmarks that run the `mitten`
/// binary; kills what it started when done.
final class BenchEnvironment: @unchecked Sendable {
    // @unchecked: `started` is only touched from the benchmark's own task.
    let directory: String
    let mitten: String
    let bench: String
    let extra: [String: String]
    private var started: [ChildProcess] = []

    init(mitten: String?, extra: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "mitten-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        bench = ChildProcess.currentExecutable
        self.mitten = mitten ?? ((bench as NSString).deletingLastPathComponent + "/mitten")
        guard FileManager.default.isExecutableFile(atPath: self.mitten) else {
            throw ValidationErrorText("no mitten binary at \(self.mitten); build it (swift build --product mitten) or pass --mitten")
        }
        self.extra = extra
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        environment["MITTEN_SECRET_FILE"] = directory + "/secret"
        environment["MITTEN_DATA_DIR"] = directory + "/data"
        environment["MITTEN_TASKS"] = directory + "/mitten.yaml"
        environment.removeValue(forKey: "MITTEN_CONTROL")
        environment.merge(extra) { $1 }
        return environment
    }

    /// Starts Control on an ephemeral port; returns its address.
    func startControl() async throws -> String {
        let file = directory + "/control-address"
        started.append(try ChildProcess.spawn(executable: mitten, arguments: [
            "startup", "--type", "Control", "--localhost", "--control", "127.0.0.1:0", "--address-file", file,
            "--grace", "2", "--log-level", "warning"], environment: environment))
        for _ in 0..<400 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), !text.isEmpty {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ValidationErrorText("Control did not write its address within 10 s")
    }

    /// Starts `mitten-bench ARGS` in the background.
    func spawnBench(_ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess.spawn(executable: bench, arguments: arguments, environment: environment)
        started.append(child)
        return child
    }

    /// Runs `mitten-bench ARGS` to completion.
    func runBench(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = arguments
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// TERM to everything started (Control stops its services), KILL after 5 s, then
    /// removes the directory.
    func cleanUp() async {
        for child in started.reversed() { child.send(SIGTERM) }
        for child in started where await Self.waitExit(child, seconds: 5) == false {
            child.send(SIGKILL)
            _ = await child.exitStatus
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func waitExit(_ child: ChildProcess, seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await child.exitStatus; return true }
            group.addTask { try? await Task.sleep(for: .seconds(seconds)); return false }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }
}

/// An error with a message, for benchmark set-up failures.
struct ValidationErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
