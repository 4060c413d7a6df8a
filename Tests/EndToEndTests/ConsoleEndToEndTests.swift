import Foundation
import MittenTestSupport
import Testing
@testable import MittenRuntime

/// `mitten console` in a real terminal (tmux), and `--once` for scripts, against a real
/// Control and a real Statistics service on loopback.
@Suite(.serialized) struct ConsoleEndToEndTests {
    let directory: String
    let binary: String
    let secretFile: String
    let secret: ClusterSecret

    init() throws {
        directory = NSTemporaryDirectory() + "mitten-console-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        binary = try Self.findBinary()
        secretFile = directory + "/secret"
        secret = try ClusterSecret.loadOrCreate(path: secretFile)
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
        ["HOME": directory, "MITTEN_SECRET_FILE": secretFile, "TERM": "xterm-256color", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    static func row(_ screen: String, _ name: String) -> [Substring]? {
        screen.split(separator: "\n").first { $0.hasPrefix(name + " ") }?.split(separator: " ")
    }

    @Test(.timeLimit(.minutes(3))) func liveViewWaitsShowsUpdatesResizesScrollsAndRestoresTheTerminal() async throws {
        let port = try ConsoleFixtures.freePort()
        let control = WireAddress(host: "127.0.0.1", port: port)
        let tmux = PrivateTmux()
        defer { tmux.kill() }
        let command = "'\(binary)' console --control \(control) --interval 300ms --keep-lost 60; echo CONSOLE-EXITED $?; stty -a; sleep 60"
        try await tmux.start(command: command, width: 120, height: 40, environment: environment)

        // Control is not up yet: the console says so, in the alternate screen, cursor hidden.
        _ = try await tmux.wait(for: "the waiting line") { $0.contains("waiting for control at \(control)") }
        #expect(try await tmux.value("#{alternate_on}") == "1")
        #expect(try await tmux.value("#{cursor_flag}") == "0")

        let controlTask = try await ConsoleFixtures.startControl(at: control, secret: secret, secretFile: secretFile, directory: directory, binary: binary)
        defer { controlTask.cancel() }
        let (statisticsServer, statisticsClient) = try await ConsoleFixtures.startHosted(kind: "Statistics", name: "latency", control: control, secret: secret, directory: directory)
        let statistics = StatisticsClient(client: statisticsClient)
        try await statistics.add([1, 2, 3])
        let (queueServer, queueClient) = try await ConsoleFixtures.startHosted(kind: "Queue", name: "jobs", control: control, secret: secret, directory: directory)
        defer { Task { await queueServer.close() } }
        let queue = QueueClient(client: queueClient)
        _ = try await queue.push(["a", "b"])
        let first = try await tmux.wait(for: "Control, the registry, Queue-jobs with 2 items and Statistics-latency with 3") { screen in
            screen.contains("Mitten-control") && screen.contains("Registry ") && Self.row(screen, "Statistics-latency")?[6] == "3"
                && Self.row(screen, "Queue-jobs")?[6] == "2"
        }
        let lines = first.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("mitten console · control \(control)") == true)
        #expect(lines.firstIndex { $0 == "Control" }! < lines.firstIndex { $0.hasPrefix("Registry") }!)
        #expect(lines.firstIndex { $0.hasPrefix("Registry") }! < lines.firstIndex { $0 == "Queue" }!)
        #expect(lines.firstIndex { $0 == "Queue" }! < lines.firstIndex { $0 == "Statistics" }!)

        // The counts change on screen when items are pushed and values added.
        _ = try await queue.push((0..<40).map { "item-\($0)" })
        try await statistics.add(Array(repeating: 5, count: 9))
        _ = try await tmux.wait(for: "42 queued items and 12 statistics items") { screen in
            Self.row(screen, "Queue-jobs")?[6] == "42" && Self.row(screen, "Statistics-latency")?[6] == "12"
        }
        // Popping and acking moves the Acked column and the console's own Acked/s rate.
        let popped = try await queue.pop(limit: 10)
        _ = try await queue.ack(popped.map(\.lease))
        _ = try await tmux.wait(for: "10 acked") { screen in
            guard let row = Self.row(screen, "Queue-jobs") else { return false }
            return row[6] == "32" && row.contains("10")
        }

        // A narrow, short terminal: lines cut with an ellipsis, footer on the last row.
        try await tmux.resize(width: 50, height: 8)
        let narrow = try await tmux.wait(for: "the narrow layout") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 8 && lines[7].hasPrefix("q quit") && lines[0].hasSuffix("…")
        }
        #expect(narrow.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 50 })
        #expect(narrow.split(separator: "\n")[1] == "Control")
        try await tmux.send("End")
        _ = try await tmux.wait(for: "the end of the tables after End") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 8 && lines[1] != "Control" && lines[6].hasPrefix("Statistics-latency")
        }
        try await tmux.send("Home")
        _ = try await tmux.wait(for: "the top after Home") { $0.split(separator: "\n").dropFirst().first == "Control" }
        try await tmux.resize(width: 120, height: 40)

        // A service that stops answering is shown as lost, not dropped.
        await statisticsServer.close()
        _ = try await tmux.wait(for: "Statistics-latency marked lost") { screen in
            screen.contains("Statistics  (1 lost)") && (Self.row(screen, "Statistics-latency")?.contains("lost") ?? false)
        }

        // q quits and leaves the terminal as it was: main screen, cursor shown, cooked mode.
        try await tmux.send("q")
        let after = try await tmux.wait(for: "the console's exit and stty's report") { $0.contains("CONSOLE-EXITED") && $0.contains("echoctl") }
        #expect(after.contains("CONSOLE-EXITED 0"))
        #expect(try await tmux.value("#{alternate_on}") == "0")
        #expect(try await tmux.value("#{cursor_flag}") == "1")
        let modes = after.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" })
        #expect(modes.contains("icanon") && modes.contains("echo") && modes.contains("isig"))
        #expect(!after.contains("Mitten-control"))
    }

    @Test(.timeLimit(.minutes(2))) func sigtermRestoresTheTerminal() async throws {
        let control = WireAddress(host: "127.0.0.1", port: try ConsoleFixtures.freePort())
        let tmux = PrivateTmux()
        defer { tmux.kill() }
        try await tmux.start(command: "'\(binary)' console --control \(control); echo CONSOLE-EXITED $?; stty -a; sleep 60",
                       width: 100, height: 30, environment: environment)
        _ = try await tmux.wait(for: "the waiting line") { $0.contains("waiting for control at \(control)") }
        let pane = try #require(Int32(try await tmux.value("#{pane_pid}")))
        let pid = try #require(Self.descendant(of: pane) { $0.hasPrefix(binary + " console") })
        kill(pid, SIGTERM)
        let after = try await tmux.wait(for: "the console's exit and stty's report") { $0.contains("CONSOLE-EXITED") && $0.contains("echoctl") }
        #expect(try await tmux.value("#{alternate_on}") == "0")
        #expect(try await tmux.value("#{cursor_flag}") == "1")
        #expect(after.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).contains("icanon"))
    }

    /// The first process under `root` (children, recursively) whose command line passes `matches`.
    static func descendant(of root: Int32, _ matches: (String) -> Bool) -> Int32? {
        var pending = [root]
        while let pid = pending.popLast() {
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                let commandLine = (try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8))?.replacingOccurrences(of: "\0", with: " ") ?? ""
                if matches(commandLine) { return child }
                pending.append(child)
            }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(2))) func onceIsPlainStableAndSharesTheStatusModel() async throws {
        let control = WireAddress(host: "127.0.0.1", port: try ConsoleFixtures.freePort())
        let controlTask = try await ConsoleFixtures.startControl(at: control, secret: secret, secretFile: secretFile, directory: directory, binary: binary)
        defer { controlTask.cancel() }
        let (server, client) = try await ConsoleFixtures.startHosted(kind: "Statistics", name: "once", control: control, secret: secret, directory: directory)
        defer { Task { await server.close() } }
        let statistics = StatisticsClient(client: client)
        try await statistics.add([2, 4])

        let plain = try await run(["console", "--once", "--control", control.description])
        #expect(plain.status == 0)
        #expect(!plain.output.contains("\u{1B}"))
        #expect(!plain.output.contains(" at 20"))
        #expect(plain.output.hasPrefix("Control\nName "))
        #expect(Self.row(plain.output, "Statistics-once")?[6] == "2")
        // Twice in a row, the same except the columns that move by themselves.
        let again = try await run(["console", "--once", "--control", control.description])
        func masked(_ text: String) -> [String] {
            text.split(separator: "\n").map { line in
                line.split(separator: " ").enumerated().map { [4, 5].contains($0.offset) && line.contains("-") ? "*" : String($0.element) }.joined(separator: " ")
            }
        }
        #expect(masked(plain.output) == masked(again.output))

        let json = try await run(["console", "--once", "--json", "--control", control.description])
        let decoded = try JSONDecoder().decode([ServiceDescription].self, from: Data(json.output.utf8))
        #expect(decoded.map(\.name).sorted() == ["Mitten-control", "Mitten-registry", "Statistics-once"])
        #expect(decoded.first { $0.name == "Statistics-once" }?.columns.first?.value == .integer(2))

        let stamped = try await run(["console", "--once", "--timestamps", "--control", control.description])
        #expect(stamped.output.hasPrefix("at 20"))
    }

    @Test func onceFailsClearlyWhenControlNeverComes() async throws {
        let control = WireAddress(host: "127.0.0.1", port: try ConsoleFixtures.freePort())
        let result = try await run(["console", "--once", "--timeout", "0.5", "--control", control.description])
        #expect(result.status != 0)
        #expect(result.error.contains("waiting for control at \(control)"))
        #expect(result.error.contains("Control did not answer at \(control)"))
    }

    func run(_ arguments: [String]) async throws -> ProgramResult {
        try await runProgram(binary, arguments, environment: environment)
    }
}
