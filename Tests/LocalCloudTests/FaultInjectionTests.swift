import Foundation
import Testing
@testable import LocalCloud

/// Injected faults behave as docs/local-cloud.md says, seen through the real HTTP API.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FaultInjectionTests {
    @Test func injectedBootFailureShowsTheFaultAndQuotaReturnsNovasBody() async throws {
        let configuration = TestCloud.configuration {
            $0.faults.errorNamePattern = "^doomed-"
            $0.faults.faultMessage = "Injected: no valid host"
            $0.quotas.instances = 1
        }
        try await TestCloud.with(configuration) { cloud in
            let failed = try await cloud.openstack(["server", "create", "--image", "cirros-0.6.2", "--flavor", "m1.tiny", "--wait", "doomed-1"])
            #expect(failed.status != 0)
            let shown = try #require(try await cloud.openstackJSON(["server", "show", "doomed-1"]) as? [String: Any])
            #expect(shown["status"] as? String == "ERROR")
            #expect("\(shown["fault"] ?? "")".contains("Injected: no valid host"))

            let token = try await v3Token(cloud)
            let body = #"{"server":{"name":"second","imageRef":"cirros-0.6.2","flavorRef":"1"}}"#
            let refused = try await curl("POST", cloud.endpoint.baseURL + "/compute/v2.1/servers", token: token, json: body)
            #expect(refused.status == 403)
            let fault = try #require(try JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: [String: Any]])
            #expect(fault["forbidden"]?["message"] as? String == "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")
            #expect(fault["forbidden"]?["code"] as? Int == 403)
            #expect(try await cloud.openstack(["server", "delete", "--wait", "doomed-1"]).status == 0)
        }
    }

    @Test(arguments: [429, 413])
    func rateLimitAnswersWithRetryAfter(status: Int) async throws {
        let configuration = TestCloud.configuration {
            $0.faults.rateLimitPerSecond = 0.2
            $0.faults.rateLimitBurst = 3
            $0.faults.rateLimitStatus = status
        }
        try await TestCloud.with(configuration) { cloud in
            let token = try await v3Token(cloud)   // the first of three admitted requests
            var statuses: [Int] = []
            var last: (status: Int, headers: [String: String], body: String)?
            for _ in 0..<3 {
                let response = try await curl("GET", cloud.endpoint.baseURL + "/compute/v2.1/flavors", token: token)
                statuses.append(response.status)
                last = response
            }
            #expect(statuses == [200, 200, status])
            #expect(Int(last?.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(last?.body.contains("overLimit") == true)
        }
    }

    @Test func expiredTokenIsRefusedWithKeystonesBody() async throws {
        try await TestCloud.with(TestCloud.configuration { $0.faults.tokenLifetime = 1 }) { cloud in
            let token = try await v3Token(cloud)
            #expect(try await curl("GET", cloud.endpoint.baseURL + "/compute/v2.1/flavors", token: token).status == 200)
            try await Task.sleep(for: .milliseconds(1300))
            let expired = try await curl("GET", cloud.endpoint.baseURL + "/compute/v2.1/flavors", token: token)
            #expect(expired.status == 401)
            #expect(expired.body.contains(#""message":"The request you have made requires authentication.""#))
            #expect(try await curl("GET", cloud.endpoint.baseURL + "/network/v2.0/networks").status == 401)
        }
    }

    @Test func keystoneV2AndApplicationCredentialsAuthenticate() async throws {
        try await TestCloud.with(TestCloud.configuration()) { cloud in
            let c = cloud.endpoint.credentials
            let v2 = try await curl("POST", cloud.endpoint.baseURL + "/identity/v2.0/tokens",
                              json: #"{"auth":{"tenantName":"\#(c.projectName)","passwordCredentials":{"username":"\#(c.username)","password":"\#(c.password)"}}}"#)
            #expect(v2.status == 200)
            let access = try #require((try JSONSerialization.jsonObject(with: Data(v2.body.utf8)) as? [String: Any])?["access"] as? [String: Any])
            let token = try #require((access["token"] as? [String: Any])?["id"] as? String)
            #expect((access["serviceCatalog"] as? [Any])?.count == 4)
            #expect(try await curl("GET", cloud.endpoint.baseURL + "/image/v2/images", token: token).status == 200)

            let wrong = try await curl("POST", cloud.endpoint.baseURL + "/identity/v2.0/tokens",
                                 json: #"{"auth":{"passwordCredentials":{"username":"\#(c.username)","password":"wrong"}}}"#)
            #expect(wrong.status == 401)

            let appcred = try await curl("POST", cloud.endpoint.authURL + "/auth/tokens",
                                   json: #"{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"\#(c.applicationCredentialID)","secret":"\#(c.applicationCredentialSecret)"}}}}"#)
            #expect(appcred.status == 201 && appcred.headers["x-subject-token"] != nil)

            let versioned = try await curl("GET", cloud.endpoint.baseURL + "/compute/v2.1/flavors", token: token, headers: ["OpenStack-API-Version: compute 2.61"])
            #expect(versioned.headers["openstack-api-version"] == "compute 2.61")
            #expect(versioned.headers["x-openstack-nova-api-version"] == "2.61")
            let tooNew = try await curl("GET", cloud.endpoint.baseURL + "/compute/v2.1/flavors", token: token, headers: ["X-OpenStack-Nova-API-Version: 2.999"])
            #expect(tooNew.status == 406)
        }
    }
}
