import Foundation
import OpenStackKit
import Testing
@testable import SwiftStorageKit

/// Keystone auth for Swift: a real Keystone (scripts/lab/10-keystone.sh) and a Swift proxy
/// with authtoken + keystoneauth, registered as `object-store` (scripts/lab/30-swift.sh).
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(2)))
struct RealSwiftKeystoneTests {
    static func require(_ name: String) throws -> String {
        try #require(SwiftLab.environment[name], "\(name) is not set: run scripts/test (Keystone, then Swift with its Keystone-backed proxy)")
    }

    @Test func objectStoreEndpointFromTheCatalogAndKeystoneToken() async throws {
        let proxy = try Self.require("MITTEN_TEST_SWIFT_KEYSTONE_PROXY")
        let domain = try Self.require("MITTEN_TEST_KEYSTONE_DOMAIN")
        let credentials = Credentials(authURL: try Self.require("MITTEN_TEST_KEYSTONE_URL"),
                                      username: try Self.require("MITTEN_TEST_KEYSTONE_USER"),
                                      password: Secret(try Self.require("MITTEN_TEST_KEYSTONE_PASSWORD")),
                                      userDomainName: domain, projectName: try Self.require("MITTEN_TEST_KEYSTONE_PROJECT"),
                                      projectDomainName: domain)
        let openStack = OpenStackClient(credentials: credentials, logger: SwiftLab.logger)
        let client = SwiftStorageClient(authenticator: SwiftKeystoneAuthenticator(openStack: openStack), logger: SwiftLab.logger)
        do {
            let session = try await client.session()
            let token = try await openStack.token()
            #expect(session.storageURL == "\(proxy)/v1/AUTH_\(token.projectID ?? "?")")
            try await SwiftLab.withContainer(client) { container in
                try await client.upload(.bytes(Array("via keystone".utf8)), container: container, object: "k ü")
                #expect(try await client.downloadBytes(container: container, object: "k ü") == Array("via keystone".utf8))
            }
            // A token Swift refuses is dropped from OpenStackKit's cache; the next one is new.
            let authenticator = SwiftKeystoneAuthenticator(openStack: openStack)
            await authenticator.sessionRejected(session)
            #expect(await openStack.tokens.cachedToken == nil)
        } catch {
            try? await openStack.shutdown()
            throw error
        }
        try await openStack.shutdown()
    }
}
