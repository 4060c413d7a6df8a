import Foundation
@testable import OpenStackKit
import Testing

@Suite struct NetworkModelTests {
    @Test func ruleAndFloatingIPFromTheApiRefSamples() throws {
        let rule = try JSONDecoder().decode(SecurityGroupRuleEnvelope.self, from: Data(sample("neutron-security-group-rule-response.json"))).securityGroupRule
        #expect(rule.id == "2bc0accf-312e-429a-956e-e4407625eb62")
        #expect(rule.isSameRule(as: SecurityGroupRule(securityGroupID: "a7734e61-b545-452d-a3cd-0189cbd9747a", protocol: "tcp",
                                                      portRangeMin: 80, portRangeMax: 80, remoteIPPrefix: "0.0.0.0/0")))
        #expect(!rule.isSameRule(as: SecurityGroupRule(securityGroupID: "a7734e61-b545-452d-a3cd-0189cbd9747a", protocol: "tcp",
                                                       portRangeMin: 22, portRangeMax: 22)))
        let ip = try JSONDecoder().decode(FloatingIPEnvelope.self, from: Data(sample("neutron-floatingip-response.json"))).floatingIP
        #expect(ip.floatingIPAddress == "172.24.4.228")
        #expect(ip.portID == "ce705c24-c1ef-408a-bda3-7bbd946164ab")
    }

    @Test func disassociateSendsAnExplicitNullPort() throws {
        let body = String(decoding: try OpenStackClient.encode(FloatingIPUpdateRequest(floatingIP: .init(portID: nil))), as: UTF8.self)
        #expect(body == #"{"floatingip":{"port_id":null}}"#)
        let allocate = String(decoding: try OpenStackClient.encode(FloatingIPUpdateRequest(floatingIP: .init(floatingNetworkID: "ext"))), as: UTF8.self)
        #expect(allocate == #"{"floatingip":{"floating_network_id":"ext"}}"#)
    }

    @Test func metadataFromTheNovaDocsSample() throws {
        let metadata = try JSONDecoder().decode(InstanceMetadata.self, from: Data(sample("metadata-meta_data.json")))
        #expect(metadata.name == "test")
        #expect(metadata.uuid == "d8e02d56-2648-49a3-bf97-6be8f1204f38")
        #expect(metadata.meta == ["priority": "low", "role": "webserver"])
        #expect(metadata.availabilityZone == "nova")
    }
}
