import Foundation
import Testing
@testable import LocalCloud

@Suite struct RecoveryDecisionTests {
    @Test(arguments: [
        ("ACTIVE", nil, true, true, RecoveryDecision.adopt(restartSSHD: false)),
        ("ACTIVE", nil, false, true, .adopt(restartSSHD: true)),
        ("ACTIVE", nil, false, false, .reboot),
        ("BUILD", "spawning", false, false, .rebuild),
        ("ACTIVE", "deleting", true, true, .finishDelete),
        ("ERROR", nil, false, false, .leave),
    ] as [(String, String?, Bool, Bool, RecoveryDecision)])
    func decides(status: String, taskState: String?, sshdAlive: Bool, anyAlive: Bool, expected: RecoveryDecision) {
        #expect(RecoveryDecision.decide(status: status, taskState: taskState, sshdAlive: sshdAlive, anyProcessAlive: anyAlive) == expected)
    }
}

@Suite struct RateLimiterTests {
    @Test func burstThenRefillAtTheConfiguredRate() {
        var limiter = RateLimiter(perSecond: 2, burst: 2)
        #expect(limiter.admit(now: 0) == .admit)
        #expect(limiter.admit(now: 0) == .admit)
        #expect(limiter.admit(now: 0.1) == .refuse(retryAfter: 1))
        #expect(limiter.admit(now: 0.6) == .admit)
        var slow = RateLimiter(perSecond: 0.1, burst: 1)
        #expect(slow.admit(now: 0) == .admit)
        #expect(slow.admit(now: 1) == .refuse(retryAfter: 9))
    }
}

@Suite struct CloudConfigTests {
    @Test func parsesTheSubsetMittenUses() throws {
        let gz = try ProcessControl.run(["/bin/sh", "-c", "printf 'zipped' | gzip -c | base64 -w0"]).output
        let text = """
            #cloud-config
            write_files:
              - {path: /a/b.txt, content: plain, permissions: '0640'}
              - {path: c.bin, encoding: b64, content: aGVsbG8=}
              - {path: /d, encoding: gz+b64, content: \(String(decoding: gz, as: UTF8.self))}
            ssh_keys: {ed25519_private: PRIVATE, ed25519_public: PUBLIC}
            ssh_authorized_keys: [ssh-ed25519 AAAA one]
            runcmd:
              - echo hi
              - [echo, "two words"]
            """
        let config = try CloudConfig.parse(Data(text.utf8))
        #expect(config.files.map(\.path) == ["/a/b.txt", "c.bin", "/d"])
        #expect(config.files.map { String(decoding: $0.content, as: UTF8.self) } == ["plain", "hello", "zipped"])
        #expect(config.files[0].permissions == 0o640)
        #expect(config.hostKeys == ["ed25519_private": "PRIVATE", "ed25519_public": "PUBLIC"])
        #expect(config.authorizedKeys == ["ssh-ed25519 AAAA one"])
        #expect(config.commands == ["echo hi", "echo 'two words'"])

        let zipped = try ProcessControl.run(["/bin/sh", "-c", "printf '#cloud-config\\nruncmd: [date]\\n' | gzip -c"]).output
        #expect(try CloudConfig.parse(zipped).commands == ["date"])
    }

    @Test(arguments: ["../etc/passwd", "/a/../../b", "/.."])
    func refusesPathsThatLeaveTheServer(path: String) {
        #expect(throws: LocalCloudError.self) { try reroot(path, under: URL(fileURLWithPath: "/srv/x/root")) }
    }

    @Test func reroots() throws {
        #expect(try reroot("/etc/./mitten/x", under: URL(fileURLWithPath: "/srv/root")).path == "/srv/root/etc/mitten/x")
    }

    @Test(arguments: [("2.1", 1), ("2.61", 61), ("latest", Microversion.maximum.minor)])
    func parsesMicroversions(text: String, minor: Int) {
        #expect(Microversion(text)?.minor == minor)
    }
}
