import Foundation
@testable import OpenStackKit
import Testing

@Suite struct KeystoneSampleTests {
    @Test func v3ProjectScopedTokenFromTheApiRefSample() throws {
        let token = try KeystoneAuthenticator.token(v3Body: sample("keystone-v3-password-project-scoped-response.json"),
                                                    subjectToken: "gAAAAAB-subject")
        #expect(token.id.revealed == "gAAAAAB-subject")
        #expect(token.projectID == "a6944d763bf64ee6a275f1263fae0352")
        #expect(token.projectName == "admin")
        #expect(token.userID == "ee4dfb6e5540447cb3741905149d9b6e")
        #expect(token.expiresAt == ISO8601DateFormatter().date(from: "2015-11-07T02:58:43Z")!.addingTimeInterval(0.578887))
        #expect(try token.catalog.endpoint(type: "compute") == "http://23.253.248.171:8774/v2.1/a6944d763bf64ee6a275f1263fae0352")
        #expect(try token.catalog.endpoint(type: "identity", interface: .admin) == "http://23.253.248.171:35357/v2.0")
        #expect(try token.catalog.endpoint(type: "network", region: "RegionOne") == "http://23.253.248.171:9696")
    }

    @Test func v2AccessFromTheApiRefSample() throws {
        let token = try KeystoneAuthenticator.token(v2Body: sample("keystone-v2-authenticate-response.json"))
        #expect(token.id.revealed == "admin_id")
        #expect(token.projectID == "73f0aa26640f4971864919d0eb0f0880")
        #expect(token.projectName == "admin")
        #expect(token.expiresAt == ISO8601DateFormatter().date(from: "2014-01-31T17:09:57Z"))
        #expect(token.issuedAt != nil)
        #expect(try token.catalog.endpoint(type: "object-store") == "http://23.253.72.207:8080/v1/AUTH_73f0aa26640f4971864919d0eb0f0880")
        #expect(try token.catalog.endpoint(type: "object-store", interface: .admin) == "http://23.253.72.207:8080")
        #expect(try token.catalog.endpoint(type: "identity", interface: .internal) == "http://23.253.72.207:5000/v2.0")
    }

    @Test func tokenDescriptionHidesTheToken() throws {
        let token = try KeystoneAuthenticator.token(v2Body: sample("keystone-v2-authenticate-response.json"))
        #expect(!String(describing: token).contains("admin_id"))
        #expect(!String(reflecting: token).contains("admin_id"))
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("admin_id"))
    }

    @Test func v2RequestBodyHasTenantNameAndPasswordCredentials() throws {
        let credentials = Credentials(authURL: "http://keystone.example:5000/v2.0", username: "alice",
                                      password: Secret("pw"), projectName: "research")
        let body = try JSONSerialization.jsonObject(with: Data(KeystoneAuthenticator.requestBody(for: credentials))) as! [String: Any]
        let auth = body["auth"] as! [String: Any]
        #expect(auth["tenantName"] as? String == "research")
        let password = auth["passwordCredentials"] as! [String: String]
        #expect(password == ["username": "alice", "password": "pw"])
        #expect(credentials.tokenURL == "http://keystone.example:5000/v2.0/tokens")
    }

    @Test func v3PasswordBodyByNamesWithDomains() throws {
        let credentials = Credentials(authURL: "https://keystone.example/v3", username: "alice", password: Secret("pw"),
                                      userDomainName: "users", projectName: "research", projectDomainID: "d-42")
        let auth = KeystoneAuthenticator.v3Auth(credentials)
        #expect(auth.identity.methods == ["password"])
        #expect(auth.identity.password?.user == .init(name: "alice", domain: .init(name: "users"), password: Secret("pw")))
        #expect(auth.scope?.project == .init(name: "research", domain: .init(id: "d-42")))
        let json = String(decoding: try KeystoneAuthenticator.requestBody(for: credentials), as: UTF8.self)
        #expect(json.contains(#""password":"pw""#))
        #expect(credentials.tokenURL == "https://keystone.example/v3/auth/tokens")
    }

    @Test func v3PasswordBodyByIDs() throws {
        let credentials = Credentials(authURL: "https://keystone.example/v3/", userID: "u-1", password: Secret("pw"), projectID: "p-1")
        let auth = KeystoneAuthenticator.v3Auth(credentials)
        #expect(auth.identity.password?.user == .init(id: "u-1", password: Secret("pw")))
        #expect(auth.scope?.project == .init(id: "p-1"))
    }

    @Test func v3ApplicationCredentialBodiesHaveNoScope() throws {
        let byID = Credentials(authURL: "http://k/v3", applicationCredentialID: "ac-1", applicationCredentialSecret: Secret("s"))
        let auth = KeystoneAuthenticator.v3Auth(byID)
        #expect(auth.identity.methods == ["application_credential"])
        #expect(auth.identity.applicationCredential == .init(id: "ac-1", secret: Secret("s")))
        #expect(auth.scope == nil)
        let byName = Credentials(authURL: "http://k/v3", username: "alice", userDomainID: "default",
                                 applicationCredentialName: "ci", applicationCredentialSecret: Secret("s"))
        let named = KeystoneAuthenticator.v3Auth(byName)
        #expect(named.identity.applicationCredential == .init(name: "ci", user: .init(name: "alice", domain: .init(id: "default")), secret: Secret("s")))
    }

    @Test(arguments: [
        ("2015-11-07T02:58:43.578887Z", 1446865123.578887),
        ("2014-01-31T15:30:58Z", 1391182258.0),
        ("2014-01-30T17:09:57.647795", 1391101797.647795),
        ("2026-01-01T00:00:00.000000+00:00", 1767225600.0),
    ])
    func keystoneDates(text: String, epoch: Double) throws {
        let date = try #require(KeystoneDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.001)
    }
}
