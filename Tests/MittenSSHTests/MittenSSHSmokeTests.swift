import Testing
@testable import MittenSSH

@Suite struct MittenSSHModuleTests {
    @Test func moduleLoads() { #expect(String(describing: MittenSSH.self) == "MittenSSH") }
}
