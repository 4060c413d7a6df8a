import Foundation
import Logging
import Testing
@testable import MittenSSH
#if canImport(Glibc)
import Glibc
#endif

/// Waiting for the port, agent authentication and handing off to OpenSSH's `ssh`,
/// against real sshd and ssh-agent processes.
@Suite(.timeLimit(.minutes(1)))
struct SSHConnectTests {
    let logger = Logger(label: "mitten.ssh.tests")

    @Test func waitForPortReturnsOnceALateServerStarts() async throws {
        try await SSHTestFixture.with { fixture in
            let port = try PrivateSSHD.freePort()
            let starter = Task.detached {
                try await Task.sleep(for: .milliseconds(1500))
                return try fixture.startServer(port: port)
            }
            let started = ContinuousClock.now
            try await SSHPortWaiter.waitForPort(
                host: "127.0.0.1", port: port,
                policy: PortWaitPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400), deadline: .seconds(30)),
                attemptTimeout: .seconds(1), clock: ContinuousClock(), logger: logger)
            let server = try await starter.value
            defer { server.stop() }
            #expect(started.duration(to: .now) >= .milliseconds(1500))
            let result = try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { try await $0.run("echo up") }
            #expect(result.outputText == "up\n")
        }
    }

    /// The connection whose banner answered the wait is the one the session logs in
    /// over: sshd sees one connection, not a probe and then another.
    @Test func theSessionLogsInOverTheConnectionThatAnsweredTheWait() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let connectionsBefore = server.log.components(separatedBy: "Connection from").count
            let socket = try await SSHPortWaiter.connectWhenReady(
                host: "127.0.0.1", port: server.port, policy: PortWaitPolicy(deadline: .seconds(10)), clock: ContinuousClock(), logger: logger)
            let result = try await SSHSession.withSession(fixture.configuration(for: server), socket: socket, logger: logger) { try await $0.run("echo over the probe") }
            #expect(result.outputText == "over the probe\n")
            #expect(socket.take() == nil, "the session owns the descriptor")
            #expect(server.log.components(separatedBy: "Connection from").count - connectionsBefore == 1, "\(server.log)")
        }
    }

    @Test func waitForPortGivesUpAtTheDeadlineOnTheInjectedClock() async throws {
        let port = try PrivateSSHD.freePort()  // nothing listens there
        let clock = SteppingClock()
        let policy = PortWaitPolicy(initialDelay: .milliseconds(250), multiplier: 2, maximumDelay: .seconds(2), deadline: .seconds(10))
        let error = await #expect(throws: MittenSSHError.self) {
            try await SSHPortWaiter.waitForPort(host: "127.0.0.1", port: port, policy: policy, attemptTimeout: .milliseconds(200), clock: clock, logger: logger)
        }
        #expect(error?.code == .timedOut)
        #expect(clock.sleeps == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2), .seconds(2), .milliseconds(250)])
    }

    @Test func connectingToAClosedPortFailsClearly() async throws {
        try await SSHTestFixture.with { fixture in
            let port = try PrivateSSHD.freePort()
            let configuration = SSHSession.Configuration(
                host: "127.0.0.1", port: port, user: "root", expectedHostKey: fixture.clientKey.publicKey,
                authentication: .privateKeyFile(path: fixture.clientKeyPath))
            let error = await #expect(throws: MittenSSHError.self) {
                try await SSHSession.withSession(configuration, logger: logger) { _ in }
            }
            #expect(error?.code == .connectionFailed)
        }
    }

    @Test func authenticatesThroughSSHAgent() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let socket = fixture.directory + "/agent.sock"
            let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
            defer { agent.terminate() }
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
            // Without identities the agent is refused with a clear reason.
            var configuration = fixture.configuration(for: server)
            configuration.authentication = .agent(socketPath: socket)
            let empty = await #expect(throws: MittenSSHError.self) {
                try await SSHSession.withSession(configuration, logger: logger) { _ in }
            }
            #expect(empty?.code == .agentUnavailable)
            let added = try runProgram("/usr/bin/ssh-add", [fixture.clientKeyPath], environment: ["SSH_AUTH_SOCK": socket])
            #expect(added.status == 0, "ssh-add: \(added.error)")
            let result = try await SSHSession.withSession(configuration, logger: logger) { try await $0.run("echo via-agent") }
            #expect(result.outputText == "via-agent\n")
            #expect(server.log.contains("Accepted publickey"))
        }
    }

    @Test func agentThenFileFallsBackToTheFileWhenTheAgentHasNoKey() async throws {
        try await SSHTestFixture.with { fixture in
            let agentKey = SSHPrivateKey.generateEd25519(comment: "agent-only")
            let agentKeyPath = fixture.directory + "/agent_ed25519"
            try agentKey.write(toFile: agentKeyPath)
            let server = try fixture.startServer(extraKeys: [agentKey.publicKey])
            defer { server.stop() }
            let socket = fixture.directory + "/agent.sock"
            let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
            defer { agent.terminate() }
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
            var configuration = fixture.configuration(for: server)
            configuration.authentication = .agentThenPrivateKeyFile(path: fixture.clientKeyPath, agentSocketPath: socket)
            _ = try await SSHSession.withSession(configuration, logger: logger) { try await $0.run("true") }
            let firstLog = server.log
            #expect(firstLog.contains("ssh2: ED25519 \(fixture.clientKey.publicKey.sha256Fingerprint)"))
            #expect(!firstLog.contains("ssh2: ED25519 \(agentKey.publicKey.sha256Fingerprint)"))
            // With the agent holding a key, the agent is used.
            #expect(try runProgram("/usr/bin/ssh-add", [agentKeyPath], environment: ["SSH_AUTH_SOCK": socket]).status == 0)
            _ = try await SSHSession.withSession(configuration, logger: logger) { try await $0.run("true") }
            #expect(server.log.contains("ssh2: ED25519 \(agentKey.publicKey.sha256Fingerprint)"))
        }
    }

    @Test func openSSHLogsInWithTheKnownHostsFileMittenWrote() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let knownHosts = fixture.directory + "/known_hosts"
            try KnownHosts.file(entries: [("127.0.0.1", server.port, server.hostPublicKey)]).write(toFile: knownHosts, atomically: true, encoding: .utf8)
            let line = OpenSSHCommandLine(
                host: "127.0.0.1", port: server.port, user: PrivateSSHD.currentUser, knownHostsFile: knownHosts,
                identityFile: fixture.clientKeyPath, command: ["echo", "from-openssh"], executable: "/usr/bin/ssh")
            let accepted = try runProgram(line.argv[0], ["-o", "BatchMode=yes"] + line.argv.dropFirst(), environment: [:])
            #expect(accepted.status == 0, "ssh: \(accepted.error)")
            #expect(accepted.output == "from-openssh\n")
            // The same argv against a known_hosts file with another key is refused by ssh itself.
            try KnownHosts.file(entries: [("127.0.0.1", server.port, SSHPrivateKey.generateEd25519().publicKey)])
                .write(toFile: knownHosts, atomically: true, encoding: .utf8)
            let refused = try runProgram(line.argv[0], ["-o", "BatchMode=yes"] + line.argv.dropFirst(), environment: [:])
            #expect(refused.status == 255)
            #expect(refused.error.contains("Host key verification failed"))
        }
    }

    @Test func openSSHArgvTable() {
        let interactive = OpenSSHCommandLine(host: "10.0.0.7", user: "debian", knownHostsFile: "/c/known_hosts", identityFile: "/k/id")
        #expect(interactive.argv == [
            "ssh", "-o", "UserKnownHostsFile=/c/known_hosts", "-o", "StrictHostKeyChecking=yes",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "UpdateHostKeys=no", "-o", "HostKeyAlgorithms=ssh-ed25519",
            "-o", "IdentitiesOnly=yes", "-i", "/k/id", "-p", "22", "debian@10.0.0.7",
        ])
        let command = OpenSSHCommandLine(host: "h", port: 2200, user: "u", knownHostsFile: "/kh", command: ["uptime", "-p"])
        #expect(command.argv.suffix(6) == ["-p", "2200", "u@h", "--", "uptime", "-p"])
        #expect(!command.argv.contains("-i"))
    }
}
