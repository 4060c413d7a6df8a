import Testing
@testable import MittenCluster

@Suite struct MittenClusterModuleTests {
    @Test func moduleLoads() { #expect(String(describing: MittenCluster.self) == "MittenCluster") }
}
