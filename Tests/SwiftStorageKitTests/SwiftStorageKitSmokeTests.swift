import Testing
@testable import SwiftStorageKit

@Suite struct SwiftStorageKitModuleTests {
    @Test func moduleLoads() { #expect(String(describing: SwiftStorageKit.self) == "SwiftStorageKit") }
}
