import Foundation
import Logging
import MittenProcess
import MittenRuntime
import Testing
@testable import MittenCluster

/// Control's binary relay, served for real on loopback and fetched with curl through the
/// bootstrap script's own commands (scripts/setup installs curl).
@Suite struct BinaryRelayTests {
    static let secret = ClusterSecret(bytes: Array(repeating: 7, count: 32))

    func withRelay(_ body: (_ url: String, _ file: String, _ directory: String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "mitten-relay-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/served"
        try Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }).write(to: URL(fileURLWithPath: file))
        let relay = try await BinaryRelay.bind(host: "127.0.0.1", port: 0, file: file, secret: Self.secret, logger: Logger(label: "test.relay"))
        do {
            try await body("http://127.0.0.1:\(relay.address.port)\(BinaryRelay.path)", file, directory)
        } catch {
            await relay.close()
            throw error
        }
        await relay.close()
    }

    func status(_ arguments: [String], into output: String = "/dev/null") async throws -> String {
        try await offThePool { try Program.runBlocking("/usr/bin/env", ["curl", "-s", "-o", output, "-w", "%{http_code}"] + arguments).output }
    }

    /// The file needs the cluster's token; other paths and methods are refused.
    @Test func servesTheFileOnlyWithTheToken() async throws {
        try await withRelay { (url: String, file: String, directory: String) async throws in
            let token = BinaryRelay.token(secret: Self.secret)
            #expect(try await status([url]) == "401")
            #expect(try await status(["-H", "Authorization: Bearer \(BinaryRelay.token(secret: .random()))", url]) == "401")
            #expect(try await status(["-H", "Authorization: Bearer \(token)", url + "x"]) == "404")
            #expect(try await status(["-X", "POST", "-H", "Authorization: Bearer \(token)", url]) == "405")
            let copy = directory + "/copy"
            #expect(try await status(["-H", "Authorization: Bearer \(token)", url], into: copy) == "200")
            #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: file)))
        }
    }

    /// A worker's one-command bootstrap fetches the binary, checks its SHA-256, writes the
    /// small files and places everything; a wrong SHA-256 or token, or a VM without curl
    /// and wget, ends with the status that makes the bootstrap upload instead, and leaves
    /// nothing in place.
    @Test func theFetchingBootstrapFetchesChecksAndPlaces() async throws {
        try await withRelay { (url: String, file: String, directory: String) async throws in
            let sha256 = try BinaryPayload.sha256(of: file)
            let token = BinaryRelay.token(secret: Self.secret)
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            let cases: [(String, String, String, Int32)] = [
                ("good", sha256, path, 0),
                ("wrong-sum", String(repeating: "a", count: 64), path, BootstrapScript.relayFailed),
                ("wrong-token", sha256, path, BootstrapScript.relayFailed),
                ("no-fetch-tool", sha256, directory + "/empty-bin", BootstrapScript.relayFailed),
            ]
            for (name, expectedSum, searchPath, expectedStatus) in cases {
                let root = directory + "/vm-" + name
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                var binary = UploadFile(remotePath: "/usr/local/bin/mitten", localPath: "/nonexistent", mode: 0o755)
                binary.relay = .init(url: url, token: name == "wrong-token" ? "nope" : token, sha256: expectedSum)
                let control = UploadFile(remotePath: "/etc/mitten/control", contents: Array("127.0.0.1:7647\n".utf8), mode: 0o600)
                let script = try #require(BootstrapScript.fetching([binary, control], start: "touch \"$r/started\""))
                let run = try await offThePool {
                    try Program.runBlocking("/bin/sh", ["-c", script], environment: ["PATH": searchPath, "MITTEN_ROOT": root])
                }
                #expect(run.status == expectedStatus, "\(name): \(run.error)")
                let placed = root + "/usr/local/bin/mitten"
                if expectedStatus == 0 {
                    #expect(try Data(contentsOf: URL(fileURLWithPath: placed)) == Data(contentsOf: URL(fileURLWithPath: file)))
                    #expect(try FileManager.default.attributesOfItem(atPath: placed)[.posixPermissions] as? Int == 0o755)
                    #expect(try String(contentsOfFile: root + "/etc/mitten/control", encoding: .utf8) == "127.0.0.1:7647\n")
                    #expect(try FileManager.default.attributesOfItem(atPath: root + "/etc/mitten/control")[.posixPermissions] as? Int == 0o600)
                    #expect(FileManager.default.fileExists(atPath: root + "/started"))
                } else {
                    #expect(!FileManager.default.fileExists(atPath: placed), "\(name)")
                    #expect(!FileManager.default.fileExists(atPath: placed + ".mitten-partial"), "\(name)")
                    #expect(!FileManager.default.fileExists(atPath: root + "/started"), "\(name)")
                }
            }
        }
    }
}
