import Foundation
import NIOCore
import Testing
@testable import SwiftStorageKit

/// Containers, objects and metadata against the real Swift of scripts/lab/30-swift.sh.
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(3)))
struct RealSwiftObjectTests {
    @Test func containerLifecycle() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            try await client.createContainer(container)  // idempotent
            try await client.setContainerMetadata(container, ["Owner": "mitten", "Gone": "soon"])
            try await client.setContainerMetadata(container, ["Gone": nil])
            try await client.upload(.bytes(Array("hello".utf8)), container: container, object: "a.txt")
            let info = try await client.containerInfo(container)
            #expect(info.objectCount == 1)
            #expect(info.bytesUsed == 5)
            #expect(info.metadata == ["owner": "mitten"])
            let listed = try await client.containers(prefix: container).collect()
            #expect(listed.map(\.name) == [container])

            // Not empty: a conflict with Swift's own message.
            await #expect {
                try await client.deleteContainer(container)
            } throws: { error in
                let error = error as? SwiftStorageError
                return error?.code == .conflict && error?.status == 409 && error?.serverMessage?.isEmpty == false
            }
        }
    }

    @Test func missingContainerAndObject() async throws {
        let client = try SwiftLab.client()
        let missing = "mitten-missing-\(UUID().uuidString.prefix(8))"
        #expect(try await client.containerExists(missing) == false)
        await #expect { try await client.containerInfo(missing) } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        await #expect { try await client.upload(.bytes([1]), container: missing, object: "x") } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        await #expect { try await client.downloadBytes(container: missing, object: "x") } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        await #expect { try await client.objects(in: missing).collect() } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        try await SwiftLab.withContainer(client) { container in
            await #expect { try await client.objectInfo(container: container, object: "nope") } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        }
    }

    @Test(arguments: ["plain.bin", "dir/sub dir/ünïcødé name ✓.txt", "spaces  and+plus&amp?.json", "日本語/ファイル"])
    func fileRoundTripIsByteIdentical(name: String) async throws {
        let client = try SwiftLab.client()
        let source = try SwiftLab.randomFile(size: 3 << 20 + 12345)
        let target = SwiftLab.temporaryURL()
        defer { try? FileManager.default.removeItem(at: source); try? FileManager.default.removeItem(at: target) }
        try await SwiftLab.withContainer(client) { container in
            let up = try await client.upload(try .file(source), container: container, object: name, options: UploadOptions(metadata: ["Origin": "test"]))
            let head = try await client.objectInfo(container: container, object: name)
            #expect(head.etag == up.etag)
            #expect(head.bytes == 3 << 20 + 12345)
            #expect(head.contentType == ContentTypes.guess(forName: name))
            #expect(head.metadata == ["origin": "test"])
            #expect(head.lastModified != nil)
            let down = try await client.download(container: container, object: name, to: target)
            #expect(down.etag == up.etag)
            #expect(SwiftLab.contentsEqual(source, target))
            let listed = try await client.objects(in: container).collect().map(\.name)
            #expect(listed == [name])
            try await client.deleteObject(container: container, object: name)
            await #expect { try await client.objectInfo(container: container, object: name) } throws: { ($0 as? SwiftStorageError)?.code == .notFound }
        }
    }

    @Test func streamedUploadOfUnknownLength() async throws {
        let client = try SwiftLab.client()
        let chunks = (0..<20).map { index in ByteBuffer(bytes: [UInt8](repeating: UInt8(index), count: 100_000)) }
        let stream = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        try await SwiftLab.withContainer(client) { container in
            let info = try await client.upload(.stream(stream), container: container, object: "streamed")
            #expect(info.bytes == 2_000_000)
            var received: [UInt8] = []
            try await client.download(container: container, object: "streamed") { received.append(contentsOf: $0.readableBytesView) }
            #expect(received == chunks.flatMap { Array($0.readableBytesView) })
        }
    }

    @Test func emptyObject() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            try await client.upload(.bytes([]), container: container, object: "empty")
            #expect(try await client.downloadBytes(container: container, object: "empty") == [])
        }
    }

    @Test func metadataReplaceAndUpdate() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            try await client.upload(.bytes([1, 2, 3]), container: container, object: "m.json", options: UploadOptions(metadata: ["A": "1", "B": "2"]))
            // Swift's POST replaces all metadata...
            try await client.replaceObjectMetadata(container: container, object: "m.json", ["C": "3"])
            #expect(try await client.objectInfo(container: container, object: "m.json").metadata == ["c": "3"])
            // ...update merges: sets, removes, keeps; the content type survives.
            let merged = try await client.updateObjectMetadata(container: container, object: "m.json", ["D": "4", "C": nil, "E": "ü v"])
            let info = try await client.objectInfo(container: container, object: "m.json")
            #expect(merged == ["d": "4", "e": "ü v"])
            #expect(info.metadata == merged)
            #expect(info.contentType == "application/json")
        }
    }

    @Test func serverSideCopy() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            try await client.upload(.bytes(Array("copy me".utf8)), container: container, object: "src ü.txt")
            try await client.copyObject(container: container, object: "src ü.txt", toContainer: container, toObject: "dst/ü copy.txt")
            #expect(try await client.downloadBytes(container: container, object: "dst/ü copy.txt") == Array("copy me".utf8))
        }
    }

    @Test func accountInfo() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { _ in
            let info = try await client.accountInfo()
            #expect(info.containerCount >= 1)
        }
    }
}
