import Foundation
import Logging
@testable import OpenStackKit
import Testing

/// Loads a documented api-ref sample from Samples/ (see Samples/SOURCES.md).
func sample(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "Samples/\(name)", withExtension: nil)
        ?? Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Samples") else {
        throw OpenStackError(code: .notFound, message: "sample \(name) missing from the test bundle")
    }
    return Array(try Data(contentsOf: url))
}

/// A logger for tests: warnings and above only, so test output stays readable.
let testLogger: Logger = {
    var logger = Logger(label: "openstackkit-tests")
    logger.logLevel = .warning
    return logger
}()

/// The real services the lab scripts start (scripts/lab/10-keystone.sh, 20-nova.sh).
/// A missing variable fails the test with a message saying to run scripts/test,
/// unless MITTEN_SKIP_REAL_OPENSTACK=1 (then the tests are skipped loudly).
enum Lab {
    static let environment = ProcessInfo.processInfo.environment

    /// Whether the real-OpenStack tests were explicitly switched off.
    static let skipRequested: Bool = {
        let skip = environment["MITTEN_SKIP_REAL_OPENSTACK"] == "1"
        if skip {
            FileHandle.standardError.write(Data("*** MITTEN_SKIP_REAL_OPENSTACK=1: SKIPPING the tests against real Keystone and Nova ***\n".utf8))
        }
        return skip
    }()

    /// The value of `name`, or a failure saying how to get the lab running.
    static func require(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw OpenStackError(code: .invalidCredentials,
                                 message: "\(name) is not set: run scripts/test (it starts Keystone and Nova on loopback), or `scripts/lab.sh start && set -a && . .lab/env`; set MITTEN_SKIP_REAL_OPENSTACK=1 to skip these tests")
        }
        return value
    }

    /// mitten-user in domain `mitten`, scoped to project mitten-test, by names.
    static func userCredentials(authURL: String? = nil) throws -> Credentials {
        let domain = try require("MITTEN_TEST_KEYSTONE_DOMAIN")
        return Credentials(authURL: try authURL ?? require("MITTEN_TEST_KEYSTONE_URL"),
                           username: try require("MITTEN_TEST_KEYSTONE_USER"),
                           password: Secret(try require("MITTEN_TEST_KEYSTONE_PASSWORD")),
                           userDomainName: domain, projectName: try require("MITTEN_TEST_KEYSTONE_PROJECT"),
                           projectDomainName: domain)
    }

    /// The admin user in project admin.
    static func adminCredentials() throws -> Credentials {
        Credentials(authURL: try require("MITTEN_TEST_KEYSTONE_URL"), username: try require("MITTEN_TEST_KEYSTONE_ADMIN_USER"),
                    password: Secret(try require("MITTEN_TEST_KEYSTONE_ADMIN_PASSWORD")), userDomainID: "default",
                    projectName: try require("MITTEN_TEST_KEYSTONE_ADMIN_PROJECT"), projectDomainID: "default")
    }

    /// Runs `body` with a client, shutting it down afterwards.
    static func withClient<T>(_ credentials: Credentials, configuration: OpenStackClient.Configuration = .init(),
                              now: @escaping @Sendable () -> Date = { Date() },
                              _ body: (OpenStackClient) async throws -> T) async throws -> T {
        let client = OpenStackClient(credentials: credentials, configuration: configuration, logger: testLogger, now: now)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
