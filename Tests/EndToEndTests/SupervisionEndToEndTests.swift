import Foundation
import MittenTestSupport
import MittenRuntime
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct SupervisionEndToEndTests {
    @Test func controlStatusStatisticsAndWorkerSupervision() async throws {
        let harness = try Harness()
        do {
            try await scenario(harness)
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }

    private func scenario(_ harness: Harness) async throws {
        let control = try await harness.startControl()
        let controlSupervisor = harness.started[0]

        // Status: Control first, registry present.
        let status = try await harness.run(["status", "--json", "--control", control])
        #expect(status.status == 0)
        let descriptions = try JSONDecoder().decode([ServiceDescription].self, from: Data(status.output.utf8))
        #expect(descriptions.first?.name == "Mitten-control")
        #expect(descriptions.contains { $0.name == "Mitten-registry" })

        // Statistics: concurrent first uses start exactly one service process.
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for value in 1...3 { group.addTask { try await harness.run(["stat", "add", "latency", "\(value)", "--control", control]).status } }
            for try await code in group { #expect(code == 0) }
        }
        let shown = try await harness.run(["stat", "show", "latency", "--control", control])
        #expect(shown.output.contains("count 3"))
        #expect(shown.output.contains("mean 2.0"))
        let table = try await harness.run(["status", "--control", control]).output
        #expect(table.components(separatedBy: "Statistics-latency").count == 2)
        let servicePIDs = Processes.descendants(of: controlSupervisor.pid)
        #expect(servicePIDs.count == 2, "the Control worker and exactly one Statistics process")

        // A task of three shell workers.
        try """
        tasks:
          - name: Echo
            command: ["/bin/sh", "-c", "echo echo worker $MITTEN_WORKER of $MITTEN_TASK; exec sleep 600"]
        """.write(toFile: harness.directory + "/mitten.yaml", atomically: true, encoding: .utf8)
        let supervisor = try harness.start(["startup", "--type", "echo", "--localhost", "--workers", "3", "--control", control, "--grace", "2", "--log-level", "warning"])
        var workers = Set<pid_t>()
        #expect(try await harness.eventually {
            workers = Processes.children(of: supervisor.pid)
            return workers.count == 3
        })

        // kill -9: replaced.
        let killed = workers.first!
        kill(killed, SIGKILL)
        #expect(try await harness.eventually {
            let now = Processes.children(of: supervisor.pid)
            return now.count == 3 && !now.contains(killed)
        })

        // kill -TERM: not replaced.
        let current = Processes.children(of: supervisor.pid)
        let terminated = current.first!
        kill(terminated, SIGTERM)
        #expect(try await harness.eventually { Processes.children(of: supervisor.pid).count == 2 })
        try await Task.sleep(for: .seconds(1))
        let remaining = Processes.children(of: supervisor.pid)
        #expect(remaining.count == 2)

        // SIGTERM to the supervisor: every child gone, the supervisor exits cleanly.
        supervisor.send(SIGTERM)
        #expect(await supervisor.exitStatus == .exited(0))
        for pid in remaining { #expect(!Processes.alive(pid), "worker \(pid) outlived its supervisor") }

        // And Control takes its services down with it.
        controlSupervisor.send(SIGTERM)
        #expect(await controlSupervisor.exitStatus == .exited(0))
        for pid in servicePIDs { #expect(!Processes.alive(pid), "process \(pid) outlived Control") }
    }

    @Test func usageErrorsNameTheFlag() async throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(atPath: harness.directory) }
        let unreadable = try await harness.run(["startup", "--type", "Echo", "--localhost", "--configuration", "/nonexistent/file"])
        #expect(unreadable.status != 0)
        #expect(unreadable.error.contains("--configuration"))
        let noType = try await harness.run(["startup", "--localhost"])
        #expect(noType.status != 0)
        #expect(noType.error.contains("--type"))
        let cloud = try await harness.run(["startup", "--type", "Echo"])
        #expect(cloud.status != 0)
        #expect(cloud.error.contains("use --localhost"))
        let negative = try await harness.run(["startup", "--type", "Echo", "--localhost", "--workers", "-2"])
        #expect(negative.status != 0)
        #expect(negative.error.contains("--workers"))
        let unknown = try await harness.run(["frobnicate"])
        #expect(unknown.status != 0)
        let version = try await harness.run(["version"])
        #expect(version.status == 0 && version.output.hasPrefix("mitten "))
        // Async code runs on NIO's event loops (GlobalExecutor), unless asked otherwise.
        let verbose = try await harness.run(["version", "--verbose"])
        #expect(verbose.output.contains("global executor: NIO event loops"), "\(verbose.output)")
        #expect(verbose.output.contains("after a sleep: NIO event loops"), "\(verbose.output)")
        let defaultExecutor = try await runProgram(harness.binary, ["version", "--verbose"], environment: harness.environment.merging(["MITTEN_DEFAULT_EXECUTOR": "1"]) { $1 })
        #expect(defaultExecutor.output.contains("global executor: Swift's default"), "\(defaultExecutor.output)")
        #expect(defaultExecutor.output.contains("after a sleep: Swift's default"), "\(defaultExecutor.output)")
    }
}

@Suite(.serialized, .timeLimit(.minutes(2)))
struct WireProtocolDocumentTests {
    /// The Python client in docs/wire-protocol.md talks to a real Control: the document
    /// describes the handshake and frames exactly as implemented.
    @Test func pythonClientFromTheDocumentWorks() async throws {
        let harness = try Harness()
        defer { Task { await harness.cleanUp() } }
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/wire-protocol.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        guard let start = text.range(of: "```python\n"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex) else {
            Issue.record("no python block in docs/wire-protocol.md")
            return
        }
        let script = String(text[start.upperBound..<end.lowerBound])
        let control = try await harness.startControl()
        var environment = harness.environment
        environment["MITTEN_CONTROL"] = control
        let result = try await runProgram("/usr/bin/env", ["python3", "-c", script], environment: environment)
        let output = result.output
        #expect(result.status == 0, "\(result.error)")
        #expect(output.contains("Mitten-control"))
        #expect(output.hasPrefix("(2, "))
        await harness.cleanUp()
    }
}
