import ArgumentParser
import Foundation
import MittenProcess
import MittenRuntime

extension BenchCommand {
    /// P1: `mitten cluster up` of Control + N workers on the local cloud with API latency
    /// and boot time injected, timed to "every VM registered", against the ideal of one
    /// boot plus a few API round trips.
    struct ClusterUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster-up",
            abstract: "P1: cluster up of Control + N workers on the local cloud with injected API latency and boot time.")
        @Option(help: "Worker VMs besides Control.") var workers = 20
        @Option(help: "Seconds of latency the local cloud adds to every API request.") var apiLatency = 1.0
        @Option(help: "Seconds each server stays in BUILD.") var bootDuration = 20.0
        @Option(help: "The first three octets of the servers' loopback addresses.") var addressPrefix = "127.0.41"
        @Option(help: "SSH bootstraps at the same time (default: cluster up's own).") var concurrency: Int?
        @Flag(help: "Print when each VM reached each phase.") var timeline = false
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let directory = NSTemporaryDirectory() + "mitten-bench-p1-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = directory + "/home"
            environment["MITTEN_HOME"] = directory + "/home"
            environment["MITTEN_CLOUD_DIR"] = directory + "/cloud"
            let mitten = options.mittenPath
            func run(_ executable: String, _ arguments: [String]) async throws -> Program.Result {
                let result = try await Program.run(executable, arguments, environment: environment)
                guard result.status == 0 else {
                    throw ValidationErrorText("\(([executable] + arguments).joined(separator: " ")) failed (\(result.status)): \(result.error.suffix(2000))")
                }
                return result
            }
            _ = try await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", directory + "/id_ed25519"])
            let clusterFile = directory + "/cluster.yaml"
            try """
            name: bench-p1
            cloud: local
            image: {name: debian-12, login_user: root}
            network: private
            ssh_key: {public: \(directory)/id_ed25519.pub}
            cluster:
              - {name: Control, flavor: m1.small, count: 1}
              - {name: Worker, flavor: m1.small, count: \(workers)}
            tasks:
              - name: Worker
                cpu_multiplier: 1
                command: [/bin/sh, -c, 'exec sleep 3600']

            """.write(toFile: clusterFile, atomically: true, encoding: .utf8)
            _ = try await run(mitten, ["cloud", "start", "--fixed-address-prefix", addressPrefix,
                                       "--api-latency", String(apiLatency), "--boot-duration", String(bootDuration),
                                       "--quota-instances", String(workers + 10), "--quota-cores", String(4 * (workers + 10))])
            defer {
                // Tear down whatever happened above; figures are already printed.
                _ = try? Program.runBlocking(mitten, ["cluster", "down", "-f", clusterFile], environment: environment)
                _ = try? Program.runBlocking(mitten, ["cloud", "stop"], environment: environment)
            }
            let clock = ContinuousClock()
            let started = clock.now
            let up = try await Program.run(mitten, ["cluster", "up", "-f", clusterFile, "--json"] + (concurrency.map { ["--concurrency", String($0)] } ?? []), environment: environment)
            let seconds = Double((clock.now - started) / .milliseconds(1)) / 1000
            guard up.status == 0 else { throw ValidationErrorText("cluster up failed (\(up.status)): \(up.error.suffix(3000))") }
            // The ideal: one boot, plus the round trips no provisioner avoids: token,
            // listing the cloud, creating Control, creating the workers, one status poll.
            let ideal = bootDuration + 5 * apiLatency
            print("P1 cluster up: 1 Control + \(workers) workers, API latency \(format(apiLatency)) s, boot \(format(bootDuration)) s")
            print("  every VM registered after \(format(seconds)) s; ideal (one boot + 5 API round trips) \(format(ideal)) s; ratio \(String(format: "%.2f", seconds / ideal))")
            print("  a provisioner booting Control and then the workers would need at least \(format(2 * bootDuration + 5 * apiLatency)) s")
            // When the first and the last VM reached each phase (from `up --json`).
            var reached: [String: [Double]] = [:]
            var byNode: [String: [String]] = [:]
            for line in up.output.split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let phase = object["phase"] as? String, let elapsed = object["elapsed"] as? Double else { continue }
                reached[phase, default: []].append(elapsed)
                if let node = object["node"] as? String { byNode[node, default: []].append("\(phase) \(format(elapsed))") }
            }
            if timeline {
                for node in byNode.keys.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }) {
                    print("  \(node): \(byNode[node]!.joined(separator: ", "))")
                }
            }
            for phase in ["building", "active", "ssh", "bootstrapped", "registered"] {
                guard let times = reached[phase], let first = times.min(), let last = times.max() else { continue }
                print("  \(phase.padding(toLength: 13, withPad: " ", startingAt: 0)) first \(format(first)) s, last \(format(last)) s")
            }
        }

        private func format(_ value: Double) -> String { String(format: "%.1f", value) }
    }
}
