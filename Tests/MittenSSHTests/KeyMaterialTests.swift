import Foundation
import Testing
@testable import MittenSSH

/// Key generation, formats and fingerprints, checked against OpenSSH's own ssh-keygen.
@Suite struct KeyMaterialTests {
    @Test func sshKeygenReadsOurPrivateKeyAndPrintsOurPublicKey() async throws {
        try await SSHTestFixture.with { fixture in
            let derived = try runProgram("/usr/bin/ssh-keygen", ["-y", "-f", fixture.clientKeyPath])
            #expect(derived.status == 0, "ssh-keygen -y: \(derived.error)")
            #expect(derived.output.trimmingCharacters(in: .whitespacesAndNewlines) == fixture.clientKey.publicKey.openSSHLine)
            let mode = try FileManager.default.attributesOfItem(atPath: fixture.clientKeyPath)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test func fingerprintsAgreeWithSSHKeygen() async throws {
        try await SSHTestFixture.with { fixture in
            let key = fixture.clientKey.publicKey
            let sha = try runProgram("/usr/bin/ssh-keygen", ["-l", "-f", fixture.clientKeyPath + ".pub"])
            #expect(sha.output.trimmingCharacters(in: .whitespacesAndNewlines) == "256 \(key.sha256Fingerprint) test-client (ED25519)")
            let md5 = try runProgram("/usr/bin/ssh-keygen", ["-l", "-E", "md5", "-f", fixture.clientKeyPath + ".pub"])
            #expect(md5.output.trimmingCharacters(in: .whitespacesAndNewlines) == "256 MD5:\(key.md5Fingerprint) test-client (ED25519)")
            #expect(key.md5Fingerprint.split(separator: ":").count == 16)
        }
    }

    @Test func parsesKeysWrittenBySSHKeygen() async throws {
        try await SSHTestFixture.with { fixture in
            let path = fixture.directory + "/keygen_ed25519"
            let made = try runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "made by keygen", "-f", path])
            #expect(made.status == 0)
            let privateKey = try SSHPrivateKey(contentsOfFile: path)
            let publicKey = try SSHPublicKey(contentsOfFile: path + ".pub")
            #expect(privateKey.publicKey == publicKey)
            #expect(publicKey.comment == "made by keygen")
            #expect(try SSHPrivateKey.keyType(ofFile: path) == "ssh-ed25519")
        }
    }

    @Test func privateKeyRoundTrips() throws {
        let key = SSHPrivateKey.generateEd25519(comment: "round trip")
        let parsed = try SSHPrivateKey(openSSHPEM: key.openSSHPEM)
        #expect(parsed.publicKey == key.publicKey)
        #expect(parsed.comment == "round trip")
        #expect(key.openSSHPEM.split(separator: "\n").allSatisfy { $0.count <= 70 || $0.hasPrefix("-----") })
    }

    @Test func publicKeyLineRoundTrips() throws {
        let key = SSHPrivateKey.generateEd25519(comment: "user@workstation").publicKey
        let parsed = try SSHPublicKey(openSSHLine: key.openSSHLine + "\n")
        #expect(parsed == key)
        #expect(try SSHPublicKey(blob: key.blob).sameKey(as: key))
        var bare = key
        bare.comment = ""
        #expect(try SSHPublicKey(openSSHLine: bare.openSSHLine).comment == "")
    }

    @Test func rsaKeysAreRefusedWithTheReason() async throws {
        try await SSHTestFixture.with { fixture in
            let path = fixture.directory + "/id_rsa"
            #expect(try runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", path]).status == 0)
            let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            for attempt in [{ _ = try SSHPublicKey(openSSHLine: line) }, { _ = try SSHPrivateKey(contentsOfFile: path) }] {
                let error = try #require(throws: MittenSSHError.self) { try attempt() }
                #expect(error.code == .unsupportedKeyType)
                #expect(error.message.contains("libssh2 1.10 cannot sign with RSA"))
            }
            #expect(try SSHPrivateKey.keyType(ofFile: path) == "ssh-rsa")
        }
    }

    static let malformedLines: [(line: String, code: MittenSSHError.Code)] = [
        ("", .invalidKey),
        ("ssh-ed25519", .invalidKey),
        ("ssh-ed25519 not*base64", .invalidKey),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== short", .invalidKey),
        ("ecdsa-sha2-nistp256 AAAA", .unsupportedKeyType),
        ("ssh-dss AAAA", .unsupportedKeyType),
        ("ssh-rsa AAAAB3NzaC1yc2E=", .unsupportedKeyType),
    ]

    @Test(arguments: malformedLines)
    func malformedPublicKeyLinesAreRefused(line: String, code: MittenSSHError.Code) {
        let error = #expect(throws: MittenSSHError.self) { try SSHPublicKey(openSSHLine: line) }
        #expect(error?.code == code)
    }

    @Test func knownHostsLinesFollowOpenSSHHostPatterns() throws {
        let key = try SSHPublicKey(openSSHLine: SSHPrivateKey.generateEd25519(comment: "secret-comment").publicKey.openSSHLine)
        let blob = Data(key.blob).base64EncodedString()
        #expect(KnownHosts.line(host: "127.0.0.5", port: 22, key: key) == "127.0.0.5 ssh-ed25519 \(blob)")
        #expect(KnownHosts.line(host: "127.0.0.5", port: 2222, key: key) == "[127.0.0.5]:2222 ssh-ed25519 \(blob)")
        #expect(KnownHosts.line(host: "::1", port: 22, key: key) == "::1 ssh-ed25519 \(blob)")
        let file = KnownHosts.file(entries: [("10.0.0.1", 22, key), ("10.0.0.2", 2200, key)])
        #expect(file == "10.0.0.1 ssh-ed25519 \(blob)\n[10.0.0.2]:2200 ssh-ed25519 \(blob)\n")
    }

    @Test func sshKeygenFindsOurKnownHostsEntry() async throws {
        try await SSHTestFixture.with { fixture in
            let key = fixture.clientKey.publicKey
            let path = fixture.directory + "/known_hosts"
            try KnownHosts.file(entries: [("127.0.0.5", 2222, key)]).write(toFile: path, atomically: true, encoding: .utf8)
            let found = try runProgram("/usr/bin/ssh-keygen", ["-F", "[127.0.0.5]:2222", "-f", path])
            #expect(found.status == 0)
            #expect(found.output.contains(Data(key.blob).base64EncodedString()))
            #expect(try runProgram("/usr/bin/ssh-keygen", ["-F", "127.0.0.5", "-f", path]).status != 0)
        }
    }
}
