import Foundation
import Logging
import Testing
@testable import MittenSSH

/// MittenSSH against a real OpenSSH sshd (one private instance per test).
@Suite(.timeLimit(.minutes(1)))
struct SSHSessionTests {
    let logger = Logger(label: "mitten.ssh.tests")

    @Test func hostKeyMatchesAndCommandsRun() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let result = try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                try await session.run("echo hello; echo oops >&2; exit 3")
            }
            #expect(result.exitStatus == 3)
            #expect(result.outputText == "hello\n")
            #expect(result.errorText == "oops\n")
            #expect(!result.succeeded)
        }
    }

    static let commands: [(command: String, status: Int32, output: String, error: String)] = [
        ("true", 0, "", ""),
        ("false", 1, "", ""),
        ("printf 'a\\nb'", 0, "a\nb", ""),
        ("ls /nonexistent-mitten-path", 2, "", "ls: cannot access '/nonexistent-mitten-path': No such file or directory\n"),
        ("cat; echo stdin-was-empty", 0, "stdin-was-empty\n", ""),
        ("kill -TERM $$", -1, "", ""),
    ]

    @Test func commandsReportExitStatusAndBothStreams() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                for entry in Self.commands {
                    let result = try await session.run(entry.command)
                    #expect(result.exitStatus == entry.status, "\(entry.command)")
                    #expect(result.outputText == entry.output, "\(entry.command)")
                    #expect(result.errorText == entry.error, "\(entry.command)")
                }
                let signalled = try await session.run("kill -TERM $$")
                #expect(signalled.exitSignal == "TERM")
                // Far more than the channel window on stderr before stdout: no stall.
                let big = try await session.run("head -c 3000000 /dev/zero >&2; echo done")
                #expect(big.standardError.count == 3_000_000)
                #expect(big.outputText == "done\n")
            }
        }
    }

    @Test func aSlowCommandTimesOutAndTheSessionStaysUsable() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                let error = await #expect(throws: MittenSSHError.self) { try await session.run("sleep 10", timeout: .milliseconds(300)) }
                #expect(error?.code == .timedOut)
                let again = try await session.run("echo still-here")
                #expect(again.outputText == "still-here\n")
            }
        }
    }

    @Test func aWrongHostKeyIsRefusedAndNothingRuns() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let impostor = SSHPrivateKey.generateEd25519().publicKey
            let marker = fixture.directory + "/must-not-exist"
            let error = await #expect(throws: MittenSSHError.self) {
                try await SSHSession.withSession(fixture.configuration(for: server, expecting: impostor), logger: logger) { session in
                    _ = try await session.run("touch \(marker)")
                }
            }
            #expect(error?.code == .hostKeyMismatch)
            #expect(error?.message.contains(impostor.sha256Fingerprint) == true)
            #expect(error?.message.contains(server.hostPublicKey.sha256Fingerprint) == true)
            #expect(!FileManager.default.fileExists(atPath: marker))
            #expect(!server.log.contains("Accepted publickey"))
        }
    }

    @Test func aWrongClientKeyIsRefused() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let stranger = fixture.directory + "/stranger_ed25519"
            try SSHPrivateKey.generateEd25519().write(toFile: stranger)
            let error = await #expect(throws: MittenSSHError.self) {
                try await SSHSession.withSession(fixture.configuration(for: server, keyPath: stranger), logger: logger) { _ in }
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains(stranger) == true)
        }
    }

    @Test func anRSAClientKeyIsRefusedWithTheReason() async throws {
        try await SSHTestFixture.with { fixture in
            let rsa = fixture.directory + "/id_rsa"
            #expect(try runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsa]).status == 0)
            let server = try fixture.startServer(extraKeys: [])
            defer { server.stop() }
            let error = await #expect(throws: MittenSSHError.self) {
                try await SSHSession.withSession(fixture.configuration(for: server, keyPath: rsa), logger: logger) { _ in }
            }
            #expect(error?.code == .unsupportedKeyType)
            #expect(error?.message.contains("libssh2 1.10 cannot sign with RSA") == true)
        }
    }

    @Test func uploadsAFewMegabytesVerifiedByChecksum() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let local = fixture.directory + "/payload.bin"
            let payload = try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: (3 << 20) + 12345)
            try payload.write(to: URL(fileURLWithPath: local))
            let remote = fixture.directory + "/uploaded/payload.bin"
            try FileManager.default.createDirectory(atPath: fixture.directory + "/uploaded", withIntermediateDirectories: true)
            try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                let result = try await session.upload(file: local, to: remote, mode: 0o750)
                #expect(result.byteCount == payload.count)
                let stat = try await session.run("stat -c %a \(ShellQuoting.quote(remote)); ls \(ShellQuoting.quote(fixture.directory + "/uploaded"))")
                #expect(stat.outputText == "750\npayload.bin\n")  // mode exact, no partial file left
                let small = try await session.upload(Array("#!/bin/sh\necho ran\n".utf8), to: fixture.directory + "/uploaded/run.sh", mode: 0o700)
                let ran = try await session.run(small.remotePath)
                #expect(ran.outputText == "ran\n")
                let error = await #expect(throws: MittenSSHError.self) {
                    try await session.verifyChecksum(of: remote, expectedSHA256: String(repeating: "0", count: 64))
                }
                #expect(error?.code == .checksumMismatch)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: remote)) == payload)
        }
    }

    /// Several files over one SFTP session, then checked by `sha256sum -c` with the lines
    /// the results give; a corrupted copy fails that check.
    @Test func stagesSeveralFilesInOneSessionForOneRemoteCheck() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            let local = fixture.directory + "/big.bin"
            let payload = try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: (2 << 20) + 7)
            try payload.write(to: URL(fileURLWithPath: local))
            let staged = [
                SSHStagedFile(remotePath: fixture.directory + "/big.staged", localPath: local, mode: 0o640),
                SSHStagedFile(remotePath: fixture.directory + "/small.staged", contents: Array("hello\n".utf8), mode: 0o600),
            ]
            try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                let results = try await session.stage(staged)
                #expect(results.map(\.byteCount) == [payload.count, 6])
                let lines = SSHUploadResult.checksumLines(results)
                let check = try await session.run("printf '%s' \(ShellQuoting.quote(lines)) | sha256sum -c --quiet - && stat -c %a \(ShellQuoting.quote(staged[0].remotePath)) \(ShellQuoting.quote(staged[1].remotePath))")
                #expect(check.succeeded && check.outputText == "640\n600\n", "\(check.errorText)")
                _ = try await session.run("printf x >> \(ShellQuoting.quote(staged[1].remotePath))")
                let corrupted = try await session.run("printf '%s' \(ShellQuoting.quote(lines)) | sha256sum -c --quiet -")
                #expect(!corrupted.succeeded)
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/big.staged")) == payload)
        }
    }

    @Test func uploadIntoAMissingDirectoryFailsWithSFTPError() async throws {
        try await SSHTestFixture.with { fixture in
            let server = try fixture.startServer()
            defer { server.stop() }
            try await SSHSession.withSession(fixture.configuration(for: server), logger: logger) { session in
                let error = await #expect(throws: MittenSSHError.self) {
                    try await session.upload([1, 2, 3], to: fixture.directory + "/no/such/dir/file")
                }
                #expect(error?.code == .sftpFailed)
            }
        }
    }
}
