import MittenRuntime
import Testing
@testable import MittenCluster

@Suite struct VersionTests {
    /// User-data names the version of the binary that rendered it.
    @Test func renderedVersionIsTheRuntimes() {
        #expect(MittenClusterVersion.current == MittenRuntime.version)
    }
}
