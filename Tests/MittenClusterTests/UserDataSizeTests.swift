import Foundation
import Testing
@testable import MittenCluster

@Suite struct UserDataSizeTests {
    /// Text of `size` bytes that compresses well (repetitive) or not at all (random).
    static func text(size: Int, compressible: Bool) -> String {
        if compressible { return String(repeating: "tasks: - name: Checksummer\n", count: size / 27 + 1).prefix(size).description }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<size).map { _ in alphabet[Int(generator.next() % 64)] })
    }

    @Test(arguments: [
        // (rendered bytes, compressible, expected: "plain" | "gzip" | "too large")
        (1_000, true, "plain"),
        (49_149, false, "plain"),       // 49,149 bytes -> 65,532 base64: fits
        (49_152, true, "gzip"),         // 65,536 base64: one over, gzip fits
        (200_000, true, "gzip"),
        (100_000, false, "too large"),  // random text: gzip cannot save it
    ])
    func sizeLimit(_ size: Int, _ compressible: Bool, _ expected: String) throws {
        let text = Self.text(size: size, compressible: compressible)
        do {
            let userData = try RenderedUserData(text: text, node: "Checksummer-3")
            #expect(userData.encodedSize <= RenderedUserData.maximumEncodedSize)
            #expect(userData.base64.count == userData.encodedSize)
            #expect(userData.isGzipped == (expected == "gzip"))
            #expect(expected != "too large")
            let bytes = userData.isGzipped ? try RenderedUserData.gunzip(userData.bytes) : userData.bytes
            #expect(bytes == Array(text.utf8))
            if userData.isGzipped { #expect(userData.bytes.prefix(2) == [0x1f, 0x8b]) }
        } catch let error as ClusterError {
            #expect(expected == "too large", "\(error)")
            #expect(error.code == .userDataTooLarge)
            #expect(error.message.contains("Checksummer-3 is \(size) bytes") && error.message.contains("65535"))
        }
    }

    @Test func aRenderedNodeFitsWithoutCompression() throws {
        let workspace = ClusterWorkspace(directory: Fixtures.temporaryDirectory())
        let spec = try Fixtures.spec()
        let text = try UserDataRenderer().render(try spec.bootData(node: "Checksummer-1", controlAddress: "10.0.0.2:7647", workspace: workspace))
        let userData = try RenderedUserData(text: text, node: "Checksummer-1")
        #expect(!userData.isGzipped)
        #expect(userData.renderedSize == text.utf8.count)
    }
}
