import Foundation
import Logging
import MittenTestSupport
@testable import MittenRuntime

/// A private tmux server (`tmux -L NAME`) holding one pane, for driving `mitten console`
/// in a real terminal. Only this server is ever killed.
final class PrivateTmux: @unchecked Sendable {
    // @unchecked: immutable after init.
    let socketName: String
    let session = "console"

    init() {
        socketName = "mitten-console-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Runs `tmux -L NAME ARGS` off the cooperative pool and returns its standard output
    /// (through a file: the tmux server that `new-session` forks inherits the client's
    /// stdout, so a pipe would never reach end-of-file).
    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        let result = try await runProgram("/usr/bin/env", ["tmux", "-L", socketName] + arguments)
        guard result.status == 0 else {
            throw RuntimeError(.spawnFailed, "tmux \(arguments.joined(separator: " ")) failed with status \(result.status): \(result.error); is tmux installed (scripts/setup)?")
        }
        return result.output
    }

    /// Starts a detached session of `width`x`height` running `command` under sh.
    func start(command: String, width: Int, height: Int, environment: [String: String]) async throws {
        let exports = environment.map { "\($0.key)=\(shellQuoted($0.value))" }.sorted().joined(separator: " ")
        try await tmux(["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), "env \(exports) sh -c \(shellQuoted(command))"])
    }

    /// The visible pane text.
    func capture() async throws -> String { try await tmux(["capture-pane", "-p", "-t", session]) }

    /// A pane format value such as `#{alternate_on}`.
    func value(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends keys (tmux key names such as `q`, `End`, `Down`).
    func send(_ keys: String...) async throws { try await tmux(["send-keys", "-t", session] + keys) }

    /// Resizes the window.
    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", session, "-x", String(width), "-y", String(height)])
    }

    /// Polls the pane until `condition` holds (up to `timeout`), returning the last capture.
    func wait(for what: String, timeout: Duration = .seconds(20), _ condition: (String) throws -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? await capture()) ?? last
            if try condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RuntimeError(.timeout, "the pane never showed \(what); last screen:\n\(last)")
    }

    /// Kills this private server (and with it the pane's processes get SIGHUP).
    /// Synchronous so that a `defer` can call it; kill-server returns at once.
    func kill() { _ = try? Program.runBlocking("/usr/bin/env", ["tmux", "-L", socketName, "kill-server"]) }

    private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Real pieces for the console to show, run in the test process: Control (with the
/// registry) on loopback and a Statistics service registered with it.
enum ConsoleFixtures {
    static var logger: Logger {
        var logger = Logger(label: "mitten.e2e.console")
        logger.logLevel = .critical
        return logger
    }

    static func freePort() throws -> Int { try LoopbackPort.free() }

    /// Runs Control at `address` until the returned task is cancelled.
    static func startControl(at address: WireAddress, secret: ClusterSecret, secretFile: String, directory: String, binary: String) async throws -> Task<Void, any Error> {
        let ready = AsyncStream<Void>.makeStream()
        let launch = ServiceLauncher.Launch(executable: binary, control: address, secretFile: secretFile, dataDirectory: directory + "/data")
        let task = Task {
            try await ControlServer(address: address, secret: secret, launch: launch, grace: .seconds(1))
                .run(logger: logger, handlesSignals: false) { _ in ready.continuation.yield() }
        }
        for await _ in ready.stream { break }
        return task
    }

    /// Hosts shared service `kind`/`name` in this process (as `mitten service` would in
    /// its own) and registers it as `KIND-NAME`; returns its server and a client of it.
    static func startHosted(kind: String, name: String, control: WireAddress, secret: ClusterSecret, directory: String) async throws -> (WireServer, WireClient) {
        let kind = try ServiceKind.named(kind)
        let context = ServiceKind.Context(name: name, dataDirectory: directory + "/data", control: control, secret: secret, logger: logger)
        let hosted = try await kind.make(context)
        var wire = hosted.wireService
        wire.on("describe", WireEmpty.self) { _ in await hosted.describe() }
        let server = try await WireServer.bind(services: [wire], secret: secret, logger: logger)
        let registry = RegistryClient(client: WireClient(address: control, secret: secret, logger: logger))
        try await registry.register(RegistryEntry(name: kind.entryName(name), address: server.address, description: kind.name), ttl: .seconds(600))
        return (server, WireClient(address: server.address, secret: secret, logger: logger))
    }
}
