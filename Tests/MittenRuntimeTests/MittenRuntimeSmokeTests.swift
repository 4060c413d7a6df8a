import Testing
@testable import MittenRuntime

@Suite struct MittenRuntimeModuleTests {
    @Test func versionIsSet() { #expect(!MittenRuntime.version.isEmpty) }
}
