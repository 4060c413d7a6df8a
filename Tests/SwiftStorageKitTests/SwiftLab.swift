import MittenTestSupport
import Foundation
import Logging
import Testing
@testable import SwiftStorageKit

/// The real Swift started by `scripts/lab/30-swift.sh` (see `scripts/test`), found
/// through its env vars. Missing: the tests fail, unless MITTEN_SKIP_REAL_OPENSTACK=1.
enum SwiftLab {
    static let environment = ProcessInfo.processInfo.environment

    static let credentials: SwiftV1Credentials? = {
        guard let url = environment["MITTEN_TEST_SWIFT_AUTH_URL"], let user = environment["MITTEN_TEST_SWIFT_USER"],
              let key = environment["MITTEN_TEST_SWIFT_KEY"] else { return nil }
        return SwiftV1Credentials(authURL: url, user: user, key: key)
    }()

    /// False only when the lab is absent AND skipping was asked for (then said loudly).
    static let enabled: Bool = {
        if credentials != nil { return true }
        if environment["MITTEN_SKIP_REAL_OPENSTACK"] == "1" {
            print("⚠️  SKIPPING the real-Swift tests of SwiftStorageKit: MITTEN_TEST_SWIFT_* are not set and MITTEN_SKIP_REAL_OPENSTACK=1")
            return false
        }
        return true
    }()

    static let logger: Logger = {
        var logger = Logger(label: "swift-storage-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// A client of the lab's account (fails the test when the lab is not running).
    static func client(_ configuration: SwiftStorageClient.Configuration = .init(), key: String? = nil) throws -> SwiftStorageClient {
        let credentials = try #require(credentials, "MITTEN_TEST_SWIFT_AUTH_URL/USER/KEY are not set: run scripts/test (or scripts/lab.sh start and source .lab/env), or set MITTEN_SKIP_REAL_OPENSTACK=1 to skip")
        var used = credentials
        if let key { used.key = key }
        return SwiftStorageClient(authenticator: SwiftV1Authenticator(credentials: used), configuration: configuration, logger: logger)
    }

    /// Runs `body` with a fresh container, then deletes everything in it (and its segments).
    static func withContainer(_ client: SwiftStorageClient, _ body: (String) async throws -> Void) async throws {
        let container = "mitten-test-\(UUID().uuidString.prefix(8))"
        try await client.createContainer(container)
        do {
            try await body(container)
        } catch {
            await empty(client, container)
            throw error
        }
        await empty(client, container)
    }

    static func empty(_ client: SwiftStorageClient, _ container: String) async {
        for name in [container, SwiftStorageClient.segmentContainer(for: container)] {
            guard (try? await client.containerExists(name)) == true else { continue }
            if let entries = try? await client.objects(in: name).collect() {
                for entry in entries { try? await client.deleteObject(container: name, object: entry.name) }
            }
            try? await client.deleteContainer(name)
        }
    }

    /// A temporary file of `size` random bytes.
    static func randomFile(size: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-swift-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var generator = SystemRandomNumberGenerator()
        var remaining = size
        while remaining > 0 {
            let count = min(remaining, 1 << 20)
            var chunk = [UInt8](repeating: 0, count: count)
            for i in stride(from: 0, to: count, by: 8) {
                let word = generator.next() as UInt64
                for j in 0..<min(8, count - i) { chunk[i + j] = UInt8(truncatingIfNeeded: word >> (8 * j)) }
            }
            try handle.write(contentsOf: chunk)
            remaining -= count
        }
        return url
    }

    static func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("mitten-swift-\(UUID().uuidString)")
    }

    /// Runs python-swiftclient's CLI (`python3 -m swiftclient.shell`) against the lab;
    /// returns its standard output, failing on a non-zero exit.
    @discardableResult
    static func pythonSwift(_ arguments: [String], in directory: URL? = nil) async throws -> String {
        let credentials = try #require(credentials)
        let result = try await runProgram(
            "/usr/bin/env", ["python3", "-m", "swiftclient.shell", "-A", credentials.authURL, "-U", credentials.user, "-K", credentials.key] + arguments,
            directory: directory?.path)
        let text = result.output
        guard result.status == 0 else {
            Issue.record("python-swiftclient \(arguments) exited \(result.status): \(result.error) \(text)")
            throw CancellationError()
        }
        return text
    }

    static func contentsEqual(_ a: URL, _ b: URL) -> Bool {
        FileManager.default.contentsEqual(atPath: a.path, andPath: b.path)
    }
}
