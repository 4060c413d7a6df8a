import Testing
import MittenCluster

@Suite struct EndToEndModuleTests {
    @Test func versionIsSet() { #expect(!MittenCluster.version.isEmpty) }
}
