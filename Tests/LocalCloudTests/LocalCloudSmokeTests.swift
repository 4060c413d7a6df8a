import Testing
@testable import LocalCloud

@Suite struct LocalCloudModuleTests {
    @Test func moduleLoads() { #expect(String(describing: LocalCloud.self) == "LocalCloud") }
}
