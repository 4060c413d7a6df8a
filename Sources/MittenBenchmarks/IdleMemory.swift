import ArgumentParser
import Foundation
import MittenRuntime

extension BenchCommand {
    /// W5: resident memory of an idle Control and an idle worker.
    struct IdleMemory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "idle-rss", abstract: "W5: idle RSS of Control and of an idle worker.")
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            let (control, address) = try await Bench.startControl(mitten: options.mittenPath, environment: environment, secret: secret)
            let worker = try ChildProcess.spawn(executable: options.mittenPath, arguments: ["worker", "--type", "Idle", "--control", address.description, "--log-level", "error"], environment: environment)
            try await Task.sleep(for: .seconds(2))
            print("W5 idle RSS: Control \(ProcessFacts.residentKB(pid: control.pid)) KB, idle worker \(ProcessFacts.residentKB(pid: worker.pid)) KB (2 s after start)")
            // Idle is not still: the worker pings Control and renews its registration every
            // 10 s, and the processes give back start-up pages 5 s after start and again
            // when an idle check (every 2 s) finds 3 MB mapped back (ResidentMemory):
            // RSS over 30 s, sampled every 500 ms.
            var samples: [(control: Int, worker: Int)] = []
            for _ in 0..<60 {
                try await Task.sleep(for: .milliseconds(500))
                samples.append((ProcessFacts.residentKB(pid: control.pid), ProcessFacts.residentKB(pid: worker.pid)))
            }
            for (role, values) in [("Control", samples.map(\.control)), ("idle worker", samples.map(\.worker))] {
                let sorted = values.sorted()
                print("W5 idle RSS over 30 s, \(role): min \(sorted.first ?? 0) KB, median \(sorted[sorted.count / 2]) KB, max \(sorted.last ?? 0) KB")
            }
            // RSS counts the code pages every mitten process on the host shares; what one
            // more process really costs is its private memory (USS) and its share (PSS).
            for (role, pid) in [("Control", control.pid), ("idle worker", worker.pid)] {
                let rollup = Self.smapsRollup(pid: pid)
                let private_ = (rollup["Private_Clean"] ?? 0) + (rollup["Private_Dirty"] ?? 0)
                print("W5 \(role): PSS \(rollup["Pss"] ?? 0) KB, private (USS) \(private_) KB, of which anonymous \(rollup["Anonymous"] ?? 0) KB; shared code \(rollup["Shared_Clean"] ?? 0) KB")
            }
            await Bench.stop(worker)
            await Bench.stop(control)
        }

        /// `/proc/PID/smaps_rollup` as field -> KB.
        static func smapsRollup(pid: pid_t) -> [String: Int] {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return [:] }
            var fields: [String: Int] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count >= 2, parts[0].hasSuffix(":"), let kb = Int(parts[1]) else { continue }
                fields[String(parts[0].dropLast())] = kb
            }
            return fields
        }
    }
}
