import MittenTestSupport
import Foundation
import Testing
@testable import MittenCluster

@Suite struct SSHKeyTests {
    @Test func hostKeysRoundTripThroughTheOpenSSHFormat() throws {
        let key = HostKey(comment: "Checksummer-2")
        let again = try HostKey(openSSHPrivateKey: key.openSSHPrivateKey)
        #expect(again.publicLine == key.publicLine)
        #expect(again.comment == "Checksummer-2")
        #expect(key.publicLine.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"))
        #expect(key.publicLine.hasSuffix(" Checksummer-2"))
    }

    /// OpenSSH's own ssh-keygen reads the private key mitten writes and derives the same
    /// public key (the real tool, when it is installed; scripts/setup installs it).
    @Test func sshKeygenAcceptsTheGeneratedHostKey() async throws {
        let keygen = ["/usr/bin/ssh-keygen", "/bin/ssh-keygen"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let path = try #require(keygen, "ssh-keygen is missing: run scripts/setup (openssh-client)")
        let key = HostKey(comment: "Control-1")
        let file = Fixtures.temporaryDirectory() + "/key"
        _ = FileManager.default.createFile(atPath: file, contents: Data(key.openSSHPrivateKey.utf8), attributes: [.posixPermissions: 0o600])
        let result = try await runProgram(path, ["-y", "-f", file])
        #expect(result.status == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == key.publicLine)
    }

    @Test(arguments: [
        ("ssh-rsa AAAAB3NzaC1yc2E= x", ClusterError.Code.unsupportedKey),
        ("rsa-sha2-512 AAAA x", .unsupportedKey),
        ("ecdsa-sha2-nistp256 AAAA x", .unsupportedKey),
        ("ssh-ed25519", .invalidClusterFile),
        ("ssh-ed25519 !!!notbase64", .invalidClusterFile),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 short", .invalidClusterFile),
    ])
    func refusedKeys(_ line: String, _ code: ClusterError.Code) {
        #expect { try SSHPublicKey(line: line, source: "f") } throws: { ($0 as? ClusterError)?.code == code }
    }

    @Test func fingerprintsMatchOpenSSHConventions() throws {
        // A documented key from the OpenSSH test suite would tie this to one value; we
        // check the shapes and that parsing the line gives the same blob back.
        let key = HostKey(comment: "c").publicKey
        let parsed = try SSHPublicKey(line: key.line, source: "t")
        #expect(parsed == key)
        #expect(key.md5Fingerprint.split(separator: ":").count == 16)
        #expect(key.sha256Fingerprint.hasPrefix("SHA256:") && key.sha256Fingerprint.count == 50)
    }
}
