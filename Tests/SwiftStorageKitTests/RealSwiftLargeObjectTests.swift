import Foundation
import Testing
@testable import SwiftStorageKit

/// Static Large Objects and interoperability with python-swiftclient, against real Swift.
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(5)))
struct RealSwiftLargeObjectTests {
    static let small = SwiftStorageClient.Configuration(largeObjects: LargeObjectPolicy(threshold: 10 << 20, segmentSize: 8 << 20, concurrency: 3))

    @Test func fiftyMegabytesGoThroughSLOAndBackByteIdentical() async throws {
        let client = try SwiftLab.client(Self.small)
        let source = try SwiftLab.randomFile(size: 50 << 20)
        let mine = SwiftLab.temporaryURL()
        let theirs = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-swift-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: theirs, withIntermediateDirectories: true)
        defer {
            for url in [source, mine, theirs] { try? FileManager.default.removeItem(at: url) }
        }
        try await SwiftLab.withContainer(client) { container in
            let name = "big dir/ü large.bin"
            let sent = ProgressCounter()
            let info = try await client.upload(try .file(source), container: container, object: name,
                                               options: UploadOptions(metadata: ["Kind": "slo"], progress: { sent.add($0) }))
            #expect(info.isStaticLargeObject)
            #expect(sent.total == 50 << 20)
            let head = try await client.objectInfo(container: container, object: name)
            #expect(head.isStaticLargeObject)
            #expect(head.bytes == 50 << 20)
            #expect(head.metadata == ["kind": "slo"])
            let segments = try await client.objects(in: SwiftStorageClient.segmentContainer(for: container)).collect()
            #expect(segments.count == 7)  // 6 x 8 MiB + 2 MiB

            try await client.download(container: container, object: name, to: mine)
            #expect(SwiftLab.contentsEqual(source, mine))

            // An independent client reads mitten's SLO byte for byte.
            try await SwiftLab.pythonSwift(["download", container, name, "-o", theirs.appendingPathComponent("py.bin").path])
            #expect(SwiftLab.contentsEqual(source, theirs.appendingPathComponent("py.bin")))

            // Replacing the SLO removes the old segments; deleting it removes the rest.
            try await client.upload(try .file(source), container: container, object: name)
            #expect(try await client.objects(in: SwiftStorageClient.segmentContainer(for: container)).collect().count == 7)
            try await client.deleteObject(container: container, object: name)
            #expect(try await client.objects(in: SwiftStorageClient.segmentContainer(for: container)).collect().isEmpty)
            #expect(try await client.objects(in: container).collect().isEmpty)
        }
    }

    @Test func objectsUploadedByPythonSwiftclientAreVerifiedByMitten() async throws {
        let client = try SwiftLab.client()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-swift-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let plain = try SwiftLab.randomFile(size: 5 << 20 + 7)
        try FileManager.default.moveItem(at: plain, to: directory.appendingPathComponent("plain ü.bin"))
        let large = try SwiftLab.randomFile(size: 9 << 20 + 3)
        try FileManager.default.moveItem(at: large, to: directory.appendingPathComponent("large.bin"))
        let target = SwiftLab.temporaryURL()
        defer { try? FileManager.default.removeItem(at: directory); try? FileManager.default.removeItem(at: target) }
        try await SwiftLab.withContainer(client) { container in
            try await SwiftLab.pythonSwift(["upload", "--object-name", "plain ü.bin", container, "plain ü.bin"], in: directory)
            try await SwiftLab.pythonSwift(["upload", "--use-slo", "-S", "\(2 << 20)", "--object-name", "large.bin", container, "large.bin"], in: directory)
            try await client.download(container: container, object: "plain ü.bin", to: target)
            #expect(SwiftLab.contentsEqual(directory.appendingPathComponent("plain ü.bin"), target))
            let info = try await client.download(container: container, object: "large.bin", to: target)
            #expect(info.isStaticLargeObject)
            #expect(SwiftLab.contentsEqual(directory.appendingPathComponent("large.bin"), target))
            try await client.deleteObject(container: container, object: "large.bin")
            #expect(try await client.objects(in: SwiftStorageClient.segmentContainer(for: container)).collect().isEmpty)
        }
    }
}

/// Counts bytes reported by progress callbacks (from several tasks).
final class ProgressCounter: Sendable {
    private let box = LockedBox<Int>(0)
    func add(_ count: Int) { box.withValue { $0 += count } }
    var total: Int { box.get() }
}
