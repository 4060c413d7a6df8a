import Foundation
import MittenRuntime
import MittenTestSupport
import Testing

/// `mitten cluster up` against a local cloud that injects faults: ERROR boots, a quota too
/// small, rate limiting with Retry-After, a server presenting the wrong host key, Ctrl-C
/// during the boot, and tokens that expire mid-run. Each test has its own cloud (its own
/// data directory and loopback prefix), a cluster of Control and one or two workers, and
/// checks what is left in the cloud and that no server process outlives the test.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ClusterFaultEndToEndTests {
    @Test func aBootThatEndsInErrorIsReplacedAndItsFaultShown() async throws {
        try await CloudFixture.with(prefix: "127.0.31", cloud: ["--error-name-pattern", "^Worker-1$", "--error-limit", "1"], workers: 1) { cloud in
            // --direct-upload: the worker gets the binary over SSH too (the path a VM
            // without curl or wget falls back to).
            let up = try await cloud.cluster("up", ["--direct-upload"])
            #expect(up.status == 0, "up failed: \(up.error)")
            #expect(up.output.contains("ERROR: No valid host was found. There are not enough hosts available."), "the fault message verbatim:\n\(up.output)")
            #expect(!up.output.contains("mitten from Control's relay"), "\(up.output)")
            #expect(try await cloud.servers() == ["Control-1 ACTIVE", "Worker-1 ACTIVE"], "the failed boot was deleted and replaced")
        }
    }

    @Test func aServerThatKeepsFailingStopsUpAndNothingIsLeaked() async throws {
        try await CloudFixture.with(prefix: "127.0.32", cloud: ["--error-name-pattern", "^Control-1$", "--fault-message", "Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance."], workers: 1) { cloud in
            let up = try await cloud.cluster("up")
            #expect(up.status != 0)
            #expect(up.error.contains("Control-1: went to ERROR 3 times; last fault: Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance."), "\(up.error)")
            #expect(try await cloud.servers() == [], "every failed boot was deleted")
        }
    }

    @Test func aQuotaTooSmallStopsBeforeBootingAnything() async throws {
        try await CloudFixture.with(prefix: "127.0.33", cloud: ["--quota-instances", "2"], workers: 2) { cloud in
            let plan = try await cloud.cluster("plan")
            #expect(plan.status != 0)
            #expect(plan.error.contains("quota"), "\(plan.error)")
            let up = try await cloud.cluster("up")
            #expect(up.status != 0)
            #expect(up.error.contains("does not fit the project's quota (instances: 0 used + 3 new > 2 allowed)"), "\(up.error)")
            #expect(up.error.contains("Nothing was booted"))
            #expect(try await cloud.servers() == [])
        }
    }

    @Test func rateLimitedRequestsAreRetriedAfterRetryAfter() async throws {
        try await CloudFixture.with(prefix: "127.0.34", cloud: ["--rate-limit", "3", "--rate-limit-burst", "3"], workers: 1) { cloud in
            let up = try await cloud.cluster("up")
            #expect(up.status == 0, "up failed: \(up.error)")
            #expect(up.error.contains("retrying OpenStack request: This request was rate-limited."), "the cloud did throttle, and up said so:\n\(up.error.suffix(2000))")
            #expect(try await cloud.servers() == ["Control-1 ACTIVE", "Worker-1 ACTIVE"])
        }
    }

    @Test func aWrongHostKeyIsRefusedAndTheServerKeptForInspection() async throws {
        try await CloudFixture.with(prefix: "127.0.35", cloud: ["--foreign-host-key-name-pattern", "^Worker-1$"], workers: 1) { cloud in
            let up = try await cloud.cluster("up")
            #expect(up.status != 0)
            #expect(up.error.contains("Worker-1") && up.error.lowercased().contains("host key"), "\(up.error)")
            #expect(try await cloud.servers() == ["Control-1 ACTIVE", "Worker-1 ACTIVE"], "the VM with the wrong key stays for inspection")
            let down = try await cloud.cluster("down")
            #expect(down.status == 0, "\(down.error)")
            #expect(try await cloud.servers() == [])
        }
    }

    @Test func anInterruptedUpDeletesWhatItCreated() async throws {
        try await CloudFixture.with(prefix: "127.0.36", cloud: ["--boot-duration", "60"], workers: 1) { cloud in
            let up = try ChildProcess.spawn(executable: cloud.binary, arguments: ["cluster", "up", "-f", cloud.clusterFile],
                                            environment: cloud.environment, newSession: true, nullStdio: true)
            var building = false
            for _ in 0..<300 where !building {
                building = try await cloud.servers().contains("Control-1 BUILD")
                if !building { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(building, "Control-1 was being built")
            up.send(SIGINT)
            let status = await up.exitStatus
            #expect(status != .exited(0), "an interrupted up fails")
            #expect(try await cloud.servers() == [], "the server this run created was deleted")
        }
    }

    @Test func tokensThatExpireDuringUpAreRenewed() async throws {
        try await CloudFixture.with(prefix: "127.0.37", cloud: ["--token-lifetime", "2", "--boot-duration", "4"], workers: 1) { cloud in
            let up = try await cloud.cluster("up")
            #expect(up.status == 0, "up failed: \(up.error)")
            #expect(try await cloud.servers() == ["Control-1 ACTIVE", "Worker-1 ACTIVE"])
        }
    }
}

/// A local cloud with injected faults and a small cluster file, in a private directory.
struct CloudFixture: Sendable {
    let directory: String
    let binary: String
    let prefix: String

    var clusterFile: String { directory + "/cluster.yaml" }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory + "/home"
        environment["MITTEN_HOME"] = directory + "/home"
        environment["MITTEN_CLOUD_DIR"] = directory + "/cloud"
        for key in environment.keys where key.hasPrefix("OS_") || key.hasPrefix("MITTEN_CONTROL") { environment[key] = nil }
        return environment
    }

    /// Starts the cloud (`cloud` are `mitten cloud start` flags), runs `body`, then tears
    /// the cluster and the cloud down and checks that no process of theirs is left.
    static func with(prefix: String, cloud flags: [String], workers: Int, _ body: (CloudFixture) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "mitten-faults-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
        let fixture = CloudFixture(directory: directory, binary: try Harness.findBinary(), prefix: prefix)
        let keygen = try await runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "faults", "-f", directory + "/id_ed25519"])
        guard keygen.status == 0 else { throw RuntimeError(.spawnFailed, "ssh-keygen: \(keygen.error)") }
        try """
        name: faults
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
            command: [/bin/sh, -c, 'exec sleep 600']

        """.write(toFile: fixture.clusterFile, atomically: true, encoding: .utf8)
        let start = try await fixture.mitten(["cloud", "start", "--fixed-address-prefix", prefix] + flags)
        guard start.status == 0 else { throw RuntimeError(.spawnFailed, "cloud start: \(start.error)") }
        var failure: (any Error)?
        do { try await body(fixture) } catch { failure = error }
        _ = try? await fixture.cluster("down")
        _ = try? await fixture.mitten(["cloud", "stop"])
        var left: [pid_t] = []
        for _ in 0..<100 {
            left = Processes.mentioning(directory)
            if left.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let described = left.map { pid in
            let arguments = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return "\(pid): " + String(decoding: arguments.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        }
        for pid in left { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
        if let failure { throw failure }
        #expect(left.isEmpty, "no process of the cloud or its servers is left: \(described)")
    }

    func mitten(_ arguments: [String]) async throws -> ProgramResult {
        try await runProgram(binary, arguments, environment: environment)
    }

    func cluster(_ verb: String, _ extra: [String] = []) async throws -> ProgramResult {
        try await mitten(["cluster", verb, "-f", clusterFile] + extra)
    }

    /// The cloud's servers as "NAME STATUS", sorted.
    func servers() async throws -> [String] {
        let status = try await mitten(["cloud", "status"])
        return status.output.split(separator: "\n").filter { $0.hasPrefix("  ") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }.sorted()
    }
}

extension Processes {
    /// Live processes (not this one) whose command line mentions `text`.
    static func mentioning(_ text: String) -> [pid_t] {
        let wanted = Data(text.utf8)
        return table().compactMap { process in
            guard process.pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(process.pid)/cmdline") else { return nil }
            return data.range(of: wanted) != nil ? process.pid : nil
        }
    }
}
