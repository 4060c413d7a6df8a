import Foundation
import MittenTestSupport
import Testing

/// `mitten storage` as a user runs it: the built binary against the real Swift of
/// scripts/lab/30-swift.sh, credentials through python-swiftclient's ST_* variables.
enum StorageLab {
    static let environment = ProcessInfo.processInfo.environment
    static let enabled: Bool = {
        if environment["MITTEN_TEST_SWIFT_AUTH_URL"] != nil { return true }
        if environment["MITTEN_SKIP_REAL_OPENSTACK"] == "1" {
            print("⚠️  SKIPPING the `mitten storage` end-to-end tests: MITTEN_TEST_SWIFT_* are not set and MITTEN_SKIP_REAL_OPENSTACK=1")
            return false
        }
        return true
    }()
}

@Suite(.enabled(if: StorageLab.enabled), .timeLimit(.minutes(3)), .serialized)
struct StorageCommandTests {
    static let environment = StorageLab.environment

    static func binary() throws -> URL {
        URL(fileURLWithPath: try Harness.findBinary())
    }

    /// Runs `mitten storage ARGS` off the cooperative pool; returns (exit status, stdout, stderr).
    static func mitten(_ arguments: [String], key: String? = nil) async throws -> (Int32, String, String) {
        try await offThePool { try mittenBlocking(arguments, key: key) }
    }

    /// The same, blocking the calling thread: for `defer` clean-ups only.
    static func mittenBlocking(_ arguments: [String], key: String? = nil) throws -> (Int32, String, String) {
        let url = try #require(environment["MITTEN_TEST_SWIFT_AUTH_URL"], "MITTEN_TEST_SWIFT_AUTH_URL is not set: run scripts/test")
        var env = environment
        env["ST_AUTH"] = url
        env["ST_USER"] = environment["MITTEN_TEST_SWIFT_USER"]
        env["ST_KEY"] = key ?? environment["MITTEN_TEST_SWIFT_KEY"]
        env["HOME"] = FileManager.default.temporaryDirectory.path  // no ~/.power_mitten interferes
        let result = try Program.runBlocking(try binary().path, ["storage"] + arguments, environment: env)
        return (result.status, result.output, result.error)
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Keystone auth from the OS_* variables of an openrc: the token and the catalog's
    /// object-store endpoint of the lab's real Keystone, no Swift v1 credentials at all.
    @Test func keystoneCredentialsFromTheEnvironment() async throws {
        func require(_ name: String) throws -> String {
            try #require(Self.environment[name], "\(name) is not set: run scripts/test")
        }
        var env = Self.environment
        for name in env.keys where name.hasPrefix("ST_") || name.hasPrefix("MITTEN_SWIFT_") || name.hasPrefix("OS_") { env[name] = nil }
        env["OS_AUTH_URL"] = try require("MITTEN_TEST_KEYSTONE_URL")
        env["OS_USERNAME"] = try require("MITTEN_TEST_KEYSTONE_USER")
        env["OS_PASSWORD"] = try require("MITTEN_TEST_KEYSTONE_PASSWORD")
        env["OS_PROJECT_NAME"] = try require("MITTEN_TEST_KEYSTONE_PROJECT")
        env["OS_USER_DOMAIN_NAME"] = try require("MITTEN_TEST_KEYSTONE_DOMAIN")
        env["OS_PROJECT_DOMAIN_NAME"] = try require("MITTEN_TEST_KEYSTONE_DOMAIN")
        env["OS_IDENTITY_API_VERSION"] = "3"
        env["HOME"] = FileManager.default.temporaryDirectory.path
        let container = "mitten-ks-\(UUID().uuidString.prefix(8))"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-ks-\(UUID().uuidString).txt")
        try Data("through keystone\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        func storage(_ arguments: [String]) async throws -> ProgramResult {
            try await runProgram(try Self.binary().path, ["storage"] + arguments, environment: env)
        }
        let made = try await storage(["mkdir", container])
        #expect(made.status == 0, "\(made.error)")
        let put = try await storage(["put", container, file.path, "--name", "k ü.txt"])
        #expect(put.status == 0, "\(put.error)")
        let listed = try await storage(["ls", container])
        #expect(listed.output.split(separator: "\n") == ["k ü.txt"])
        let got = try await storage(["get", container, "k ü.txt", "-o", "-"])
        #expect(got.status == 0 && got.output == "through keystone\n", "\(got.error)")
        let removed = try await storage(["rm", container, "k ü.txt"])
        #expect(removed.status == 0, "\(removed.error)")
        _ = try await storage(["rm", container])
        // A wrong password: Keystone's own 401 message reaches the user.
        env["OS_PASSWORD"] = "wrong"
        let refused = try await storage(["ls"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("Keystone authentication for Swift failed") && refused.error.contains("The request you have made requires authentication."), "\(refused.error)")
    }

    @Test func putListGetStatTempURLRemove() async throws {
        let container = "mitten-e2e-\(UUID().uuidString.prefix(8))"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: directory)
            _ = try? Self.mittenBlocking(["rm", container, "--recursive"])
        }
        let file = directory.appendingPathComponent("hello wörld.txt")
        let payload = Data((0..<300_000).map { UInt8($0 % 251) })
        try payload.write(to: file)

        var (status, out, err) = try await Self.mitten(["mkdir", container, "--meta", "Owner=e2e"])
        #expect(status == 0, "\(err)")
        (status, out, err) = try await Self.mitten(["put", container, file.path, "--prefix", "docs/", "--meta", "Kind=test", "--json"])
        #expect(status == 0, "\(err)")
        let put = try #require(try Self.json(out) as? [[String: Any]])
        #expect(put.first?["name"] as? String == "docs/hello wörld.txt")

        (status, out, err) = try await Self.mitten(["ls", container, "--delimiter", "/"])
        #expect(status == 0 && out == "docs/\n", "\(out)\(err)")
        (status, out, err) = try await Self.mitten(["ls", "\(container)/docs/", "--json"])
        let listing = try #require(try Self.json(out) as? [String: Any])
        #expect((listing["objects"] as? [[String: Any]])?.first?["bytes"] as? Int == 300_000)

        (status, out, err) = try await Self.mitten(["stat", container, "docs/hello wörld.txt", "--json"])
        let stat = try #require(try Self.json(out) as? [String: Any])
        #expect(stat["contentType"] as? String == "text/plain")
        #expect((stat["metadata"] as? [String: String]) == ["kind": "test"])

        let copy = directory.appendingPathComponent("copy")
        (status, _, err) = try await Self.mitten(["get", container, "docs/hello wörld.txt", "-o", copy.path])
        #expect(status == 0, "\(err)")
        #expect(try Data(contentsOf: copy) == payload)

        (status, out, err) = try await Self.mitten(["tempurl", container, "docs/hello wörld.txt", "--set-key", "e2e-key-\(UUID().uuidString)", "--lifetime", "120"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("temp_url_sig=") && out.contains("temp_url_expires="))
        let fetched = try await runProgram("/usr/bin/env", ["curl", "-sf", "-o", directory.appendingPathComponent("via-tempurl").path, out.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(fetched.status == 0)
        #expect(try Data(contentsOf: directory.appendingPathComponent("via-tempurl")) == payload)

        (status, _, err) = try await Self.mitten(["rm", container])
        #expect(status != 0 && err.contains("409"), "a non-empty container is refused with Swift's 409: \(err)")
        (status, _, err) = try await Self.mitten(["rm", container, "--recursive"])
        #expect(status == 0, "\(err)")
        (status, _, err) = try await Self.mitten(["stat", container])
        #expect(status != 0 && err.contains("404"))
    }

    @Test func wrongKeyPrintsTheServersMessage() async throws {
        let (status, _, err) = try await Self.mitten(["ls"], key: "wrong-key")
        #expect(status != 0)
        #expect(err.contains("401") && err.contains("Unauthorized"), "\(err)")
        #expect(!err.contains("wrong-key"))
    }
}
