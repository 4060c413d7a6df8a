import Testing
@testable import OpenStackKit

@Suite struct OpenStackKitModuleTests {
    @Test func moduleLoads() { #expect(String(describing: OpenStackKit.self) == "OpenStackKit") }
}
