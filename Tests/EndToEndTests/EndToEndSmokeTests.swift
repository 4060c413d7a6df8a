import Testing
import MittenRuntime

@Suite struct EndToEndModuleTests {
    @Test func versionIsSet() { #expect(!MittenRuntime.version.isEmpty) }
}
