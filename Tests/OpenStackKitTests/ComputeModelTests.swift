import Foundation
@testable import OpenStackKit
import Testing

@Suite struct ComputeModelTests {
    @Test func serverFromTheApiRefSample() throws {
        let server = try JSONDecoder().decode(ServerEnvelope.self, from: Data(sample("nova-server-get-v2.63-response.json"))).server
        #expect(server.id == "9168b536-cd40-4630-b43f-b259807c6e87")
        #expect(server.name == "new-server-test")
        #expect(server.status == "ACTIVE")
        #expect(server.metadata == ["My Server Name": "Apache1"])
        #expect(server.flavor?.originalName == "m1.tiny.specs")
        #expect(server.flavor?.ram == 512)
        #expect(server.image?.id == "70a599e0-31e7-49b7-b260-868f441e862b")
        #expect(server.addresses["private"]?.first?.addr == "192.168.0.3")
        #expect(server.addresses["private"]?.first?.type == "fixed")
        #expect(server.securityGroups == [.init(name: "default")])
        #expect(server.availabilityZone == "us-west")
        #expect(server.fault == nil)
    }

    @Test func serverInErrorCarriesNovasFault() throws {
        let server = try JSONDecoder().decode(ServerEnvelope.self, from: Data(sample("nova-server-error-fault.json"))).server
        #expect(server.image == nil)
        #expect(server.flavor?.id == "1")
        #expect(server.fault?.message == "No valid host was found. There are not enough hosts available.")
        #expect(ServerWaitPolicy.verdict(status: server.status, fault: server.fault?.message, target: "ACTIVE")
            == .failed("No valid host was found. There are not enough hosts available."))
    }

    @Test func flavorsAndLimitsFromTheApiRefSamples() throws {
        let flavors = try JSONDecoder().decode(FlavorList.self, from: Data(sample("nova-flavors-detail-response.json"))).flavors
        #expect(flavors.map(\.name) == ["m1.tiny", "m1.small"])
        #expect(flavors[1].ram == 2048 && flavors[1].disk == 20 && flavors[1].isPublic == true)
        let limits = try JSONDecoder().decode(LimitsEnvelope.self, from: Data(sample("nova-limits-response.json"))).limits.absolute
        #expect(limits.maxTotalInstances == 10 && limits.maxTotalCores == 20 && limits.maxTotalRAMSize == 51200)
        #expect(limits.maxServerGroupMembers == 10)
        #expect(limits.shortfall(servers: 10, vcpus: 2, ram: 512) == nil)
        #expect(limits.shortfall(servers: 11, vcpus: 1, ram: 512) == "the instance quota is 10 with 0 in use; 11 more do not fit")
        #expect(limits.shortfall(servers: 5, vcpus: 8, ram: 512) == "the vCPU quota is 20 with 0 in use; 40 more do not fit")
    }

    @Test func versionDocumentNegotiatesTheMicroversion() throws {
        let document = try JSONDecoder().decode(ComputeVersionDocument.self, from: Data(sample("nova-version-v2.1-response.json")))
        #expect(ComputeMicroversion.negotiate(requested: .preferred, minimum: document.version.minVersion.flatMap(ComputeMicroversion.init),
                                              maximum: document.version.version.flatMap(ComputeMicroversion.init)) == .preferred)
    }

    @Test(arguments: [
        (ComputeMicroversion(2, 64), ComputeMicroversion?.some(.init(2, 1)), ComputeMicroversion?.some(.init(2, 93)), ComputeMicroversion?.some(.init(2, 64))),
        (.init(2, 64), .init(2, 1), .init(2, 38), .init(2, 38)),   // an older Nova: lowered to its maximum
        (.init(2, 64), nil, nil, nil),                             // no microversions at all: no header
        (.init(2, 1), .init(2, 10), .init(2, 93), nil),            // minimum above the request
    ])
    func negotiation(requested: ComputeMicroversion, minimum: ComputeMicroversion?, maximum: ComputeMicroversion?, expected: ComputeMicroversion?) {
        #expect(ComputeMicroversion.negotiate(requested: requested, minimum: minimum, maximum: maximum) == expected)
    }

    @Test func maximumFromNovasRefusal() {
        #expect(ComputeMicroversion.maximum(inRefusal: "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93.")
            == ComputeMicroversion(2, 93))
        #expect(ComputeMicroversion("") == nil)
        #expect(ComputeMicroversion("v2.1") == ComputeMicroversion(2, 1))
    }

    @Test func userDataLimitIsCheckedWithASizeMessage() throws {
        #expect(try UserData.encode(Array(repeating: 65, count: 49_149)).utf8.count == 65_532)
        #expect(throws: OpenStackError.self) { try UserData.encode(Array(repeating: 65, count: 49_150)) }
        let error = #expect(throws: OpenStackError.self) { try UserData.encode(Array(repeating: 65, count: 50_000)) }
        #expect(error?.code == .userDataTooLarge)
        #expect(error?.message.hasPrefix("user_data is 66,668 bytes base64-encoded (50,000 bytes before encoding); Nova accepts at most 65,535") == true)
    }

    @Test func createRequestEncodesNovasFieldNames() throws {
        let request = ServerCreateRequest(
            server: ServerCreate(name: "web-1", imageRef: "img", flavorRef: "1", keyName: "k", securityGroups: ["sg"],
                                 networks: ServerCreate.Networks.none, metadata: ["role": "web"], userData: "aGk=", configDrive: true),
            schedulerHints: SchedulerHints(group: "g-1"))
        let json = try JSONSerialization.jsonObject(with: Data(OpenStackClient.encode(request))) as! [String: Any]
        let server = json["server"] as! [String: Any]
        #expect(server["key_name"] as? String == "k")
        #expect(server["networks"] as? String == "none")
        #expect(server["user_data"] as? String == "aGk=")
        #expect(server["config_drive"] as? Bool == true)
        #expect((server["security_groups"] as? [[String: String]]) == [["name": "sg"]])
        #expect((json["os:scheduler_hints"] as? [String: String]) == ["group": "g-1"])
    }

    @Test(arguments: [
        ("web-1", "web-1", true), ("web-1", "web-10", false), ("web-1", "old-web-1", false),
        ("a.b", "a.b", true), ("a.b", "aXb", false), ("x(1)", "x(1)", true),
    ])
    func exactNameFiltersAreAnchoredAndEscaped(name: String, candidate: String, matches: Bool) {
        let filter = ServerNameFilter.exactly(name)
        #expect(filter.pattern.hasPrefix("^") && filter.pattern.hasSuffix("$"))
        #expect(filter.matches(candidate) == matches)
    }

    @Test(arguments: [("web-[0-9]+", "^web-[0-9]+$"), ("^web-.*", "^web-.*$"), ("^done$", "^done$")])
    func patternFiltersAreAnchored(regex: String, expected: String) {
        #expect(ServerNameFilter.matching(regex).pattern == expected)
    }

    @Test(arguments: [
        ("BUILD", "ACTIVE", ServerWaitPolicy.Verdict.keepWaiting), ("ACTIVE", "ACTIVE", .done), ("active", "ACTIVE", .done),
        ("ERROR", "ACTIVE", .failed("boom")), ("SHUTOFF", "SHUTOFF", .done),
    ])
    func waitVerdicts(status: String, target: String, verdict: ServerWaitPolicy.Verdict) {
        #expect(ServerWaitPolicy.verdict(status: status, fault: "boom", target: target) == verdict)
    }

    @Test func waitBackoffIsCapped() {
        let policy = ServerWaitPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(5))
        #expect(policy.next(after: .seconds(1)) == .seconds(2))
        #expect(policy.next(after: .seconds(4)) == .seconds(5))
    }

    @Test func keypairFingerprintIsMD5OfTheKeyBlob() {
        // MD5 of the bytes "hello" (base64 aGVsbG8=) is 5d41402abc4b2a76b9719d911017c592.
        #expect(Keypair.fingerprint(ofPublicKey: "ssh-ed25519 aGVsbG8= me@host") == "5d:41:40:2a:bc:4b:2a:76:b9:71:9d:91:10:17:c5:92")
        #expect(Keypair.fingerprint(ofPublicKey: "not a key") == nil)
    }
}
