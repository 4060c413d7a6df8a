import Foundation
import NIOHTTP1
@testable import OpenStackKit
import Synchronization
import Testing

/// Against the real Keystone v3 that scripts/lab/10-keystone.sh starts.
@Suite(.enabled(if: !Lab.skipRequested, "MITTEN_SKIP_REAL_OPENSTACK=1: real Keystone tests skipped"), .serialized, .timeLimit(.minutes(5)))
struct KeystoneIntegrationTests {
    @Test func passwordAuthByNamesWithANonDefaultDomain() async throws {
        try await Lab.withClient(try Lab.userCredentials()) { client in
            let token = try await client.token()
            let project = try Lab.require("MITTEN_TEST_KEYSTONE_PROJECT")
            #expect(token.projectName == project)
            #expect(token.expiresAt > Date())
            #expect(try await client.endpoint(for: "identity") == "http://127.0.0.1:5000/v3")
            #expect(await client.tokens.authenticationCount == 1)
        }
    }

    @Test func passwordAuthByIDs() async throws {
        let (userID, projectID) = try await Lab.withClient(try Lab.userCredentials()) { client in
            let token = try await client.token()
            return (try #require(token.userID), try #require(token.projectID))
        }
        let byID = Credentials(authURL: try Lab.require("MITTEN_TEST_KEYSTONE_URL"), userID: userID,
                               password: Secret(try Lab.require("MITTEN_TEST_KEYSTONE_PASSWORD")), projectID: projectID)
        try await Lab.withClient(byID) { client in
            let scoped = try await client.token().projectID
            #expect(scoped == projectID)
        }
    }

    @Test func wrongPasswordGivesKeystonesMessageVerbatimAndNoSecret() async throws {
        var credentials = try Lab.userCredentials()
        credentials.password = Secret("definitely-wrong-password")
        try await Lab.withClient(credentials) { client in
            let error = await #expect(throws: OpenStackError.self) { try await client.token() }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.status == 401)
            #expect(error?.service == "identity")
            #expect(error?.message == "The request you have made requires authentication.")
            #expect(error?.requestID?.hasPrefix("req-") == true)
            #expect(error.map { String(describing: $0) }?.contains("definitely-wrong-password") == false)
        }
    }

    @Test func applicationCredentialByIDAndByName() async throws {
        let name = "mitten-test-\(UUID().uuidString.prefix(8))"
        try await Lab.withClient(try Lab.userCredentials()) { client in
            let token = try await client.token()
            let userID = try #require(token.userID)
            let body = Array(#"{"application_credential": {"name": "\#(name)"}}"#.utf8)
            let created = try await client.send(service: "identity", method: .POST, path: "/users/\(userID)/application_credentials", body: body)
            let object = try JSONSerialization.jsonObject(with: Data(created.body)) as! [String: Any]
            let credential = object["application_credential"] as! [String: Any]
            let id = credential["id"] as! String
            let secret = Secret(credential["secret"] as! String)
            let authURL = try Lab.require("MITTEN_TEST_KEYSTONE_URL")

            try await Lab.withClient(Credentials(authURL: authURL, applicationCredentialID: id, applicationCredentialSecret: secret)) { appClient in
                let appToken = try await appClient.token()
                #expect(appToken.projectID == token.projectID)
                #expect(try await appClient.endpoint(for: "identity") == "http://127.0.0.1:5000/v3")
            }
            let byName = Credentials(authURL: authURL, userID: userID, applicationCredentialName: name, applicationCredentialSecret: secret)
            try await Lab.withClient(byName) { appClient in
                let scoped = try await appClient.token().projectID
                #expect(scoped == token.projectID)
            }
            _ = try await client.send(service: "identity", method: .DELETE, path: "/users/\(userID)/application_credentials/\(id)")
        }
    }

    @Test func concurrentCallersShareOneAuthentication() async throws {
        try await Lab.withClient(try Lab.userCredentials()) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try await client.send(service: "identity", method: .GET, path: "/auth/projects") }
                }
                try await group.waitForAll()
            }
            #expect(await client.tokens.authenticationCount == 1)
            #expect(client.transport.counter.authenticationCount == 1)
            #expect(client.requestCount >= 9)   // 1 authentication + 8 GETs (+ any retried GET)
        }
    }

    @Test func a401ReauthenticatesOnceAndRetries() async throws {
        try await Lab.withClient(try Lab.userCredentials()) { client in
            let first = try await client.token()
            // Revoke the token in Keystone itself (a token may revoke itself).
            var headers = HTTPHeaders()
            headers.add(name: "X-Subject-Token", value: first.id.revealed)
            _ = try await client.send(service: "identity", method: .DELETE, path: "/auth/tokens", headers: headers)
            let response = try await client.send(service: "identity", method: .GET, path: "/auth/projects")
            #expect(response.status == 200)
            #expect(await client.tokens.authenticationCount == 2)
            #expect(try await client.token().id != first.id)
        }
    }

    @Test func shortLivedTokensFromKeystoneAreRenewedEarly() async throws {
        let shortURL = try Lab.require("MITTEN_TEST_KEYSTONE_SHORT_URL")
        let expiration = Double(try Lab.require("MITTEN_TEST_KEYSTONE_SHORT_EXPIRATION")) ?? 150
        let offset = OffsetClock()
        try await Lab.withClient(try Lab.userCredentials(authURL: shortURL), now: { offset.now }) { client in
            let first = try await client.token()
            let lifetime = first.expiresAt.timeIntervalSince(first.issuedAt ?? Date())
            #expect(abs(lifetime - expiration) < 5, "the short Keystone issues \(expiration)-second tokens")
            // Half the lifetime later (a 150 s token cannot be renewed 2 minutes early and
            // still be used), the cache asks Keystone again.
            offset.advance(by: lifetime / 2 + 1)
            let second = try await client.token()
            #expect(second.id != first.id)
            #expect(await client.tokens.authenticationCount == 2)
            _ = try await client.send(service: "identity", method: .GET, path: "/auth/projects")
        }
        // The same jump with day-long tokens does not renew.
        let steady = OffsetClock()
        try await Lab.withClient(try Lab.userCredentials(), now: { steady.now }) { client in
            _ = try await client.token()
            steady.advance(by: expiration)
            _ = try await client.token()
            #expect(await client.tokens.authenticationCount == 1)
        }
    }

    @Test func catalogSelectionByInterfaceAndRegion() async throws {
        try await Lab.withClient(try Lab.userCredentials()) { client in
            let catalog = try await client.token().catalog
            #expect(try catalog.endpoint(type: "identity", interface: .internal, region: "RegionOne") == "http://127.0.0.1:5000/v3")
            let region = #expect(throws: OpenStackError.self) { try catalog.endpoint(type: "identity", region: "Atlantis") }
            #expect(region?.message.contains("identity has: RegionOne: ") == true)
            let service = #expect(throws: OpenStackError.self) { try catalog.endpoint(type: "no-such-service") }
            #expect(service?.message.contains("identity (RegionOne:") == true)
        }
    }
}

/// Wall time plus an offset the test moves forward.
final class OffsetClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }
    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
