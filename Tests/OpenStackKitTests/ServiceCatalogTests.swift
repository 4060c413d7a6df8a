@testable import OpenStackKit
import Testing

@Suite struct ServiceCatalogTests {
    let catalog = ServiceCatalog(services: [
        .init(type: "compute", name: "nova", endpoints: [
            .init(interface: .public, region: "RegionOne", url: "http://one/compute/"),
            .init(interface: .internal, region: "RegionOne", url: "http://one-internal/compute"),
            .init(interface: .public, region: "RegionTwo", url: "http://two/compute"),
        ]),
        .init(type: "identity", endpoints: [.init(interface: .public, region: "RegionOne", url: "http://one/identity/v3")]),
    ])

    @Test(arguments: [
        (EndpointInterface.public, String?.none, "http://one/compute"),
        (.public, "RegionTwo", "http://two/compute"),
        (.internal, nil, "http://one-internal/compute"),
        (.internal, "RegionOne", "http://one-internal/compute"),
    ])
    func selectsByInterfaceAndRegion(interface: EndpointInterface, region: String?, expected: String) throws {
        #expect(try catalog.endpoint(type: "compute", interface: interface, region: region) == expected)
    }

    @Test func missingServiceListsWhatTheCatalogHas() {
        let error = #expect(throws: OpenStackError.self) { try catalog.endpoint(type: "network") }
        #expect(error?.code == .endpointNotFound)
        #expect(error?.message == #"the service catalog has no "network" service; it has: compute (RegionOne: public, internal; RegionTwo: public), identity (RegionOne: public)"#)
    }

    @Test func missingRegionListsTheServicesEndpoints() {
        let error = #expect(throws: OpenStackError.self) { try catalog.endpoint(type: "compute", interface: .admin, region: "RegionTwo") }
        #expect(error?.message == #"the service catalog has no "compute" endpoint with interface admin in region "RegionTwo"; compute has: RegionOne: public, internal; RegionTwo: public"#)
    }

    @Test(arguments: [("public", EndpointInterface.public), ("publicURL", .public), ("internalURL", .internal), ("admin", .admin)])
    func interfaceNames(text: String, expected: EndpointInterface) {
        #expect(EndpointInterface(parsing: text) == expected)
    }
}
