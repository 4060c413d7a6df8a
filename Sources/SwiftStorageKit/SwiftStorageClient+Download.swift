import Logging
public import Foundation
import AsyncHTTPClient
import NIOHTTP1
public import NIOCore

extension SwiftStorageClient {
    /// Streams an object to `consumer`, one chunk at a time, checking MD5s as bytes arrive:
    /// against the ETag for a plain object, segment by segment (and the manifest's ETag)
    /// for a Static Large Object. Throws `checksumMismatch` after the last chunk if they differ.
    @discardableResult
    public func download(container: String, object: String,
                         progress: (@Sendable (Int) -> Void)? = nil,
                         consumer: (ByteBuffer) async throws -> Void) async throws -> ObjectInfo {
        try Self.validate(container: container)
        try Self.validate(object: object)
        let what = "downloading \(container)/\(object)"
        let response = try await send(SwiftRequest(method: .GET, container: container, object: object, retryable: true, what: what))
        let info = Self.objectInfo(name: object, response.headers)
        var verifier: SegmentVerifier?
        if info.isStaticLargeObject {
            let segments = try await largeObjectSegments(container: container, object: object)
            let etagOfEtags = md5Hex(segments.map(\.md5).joined())
            guard etagOfEtags == info.etag else {
                throw SwiftStorageError(.checksumMismatch, "\(what): the manifest's segments do not match its ETag \(info.etag); the object changed during the download, try again")
            }
            verifier = SegmentVerifier(parts: segments)
        } else if response.headers.first(name: "X-Object-Manifest") == nil, !info.etag.isEmpty {
            verifier = SegmentVerifier(parts: [.init(bytes: info.bytes, md5: info.etag)])
        } else {
            logger.debug("dynamic large object: no ETag to verify", metadata: ["swift.object": "\(container)/\(object)"])
        }
        do {
            for try await chunk in response.body {
                try verifier?.update(chunk, what: what)
                progress?(chunk.readableBytes)
                try await consumer(chunk)
            }
        } catch let error as SwiftStorageError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw SwiftStorageError(.transport, "\(what): the connection broke during the transfer; download again", underlying: error)
        }
        try verifier?.finish(what: what)
        return info
    }

    /// Downloads an object into `file`, verified; the file appears (atomically renamed
    /// from `FILE.part`) only when every byte matched its MD5.
    @discardableResult
    public func download(container: String, object: String, to file: URL,
                         progress: (@Sendable (Int) -> Void)? = nil) async throws -> ObjectInfo {
        let partial = file.deletingLastPathComponent().appendingPathComponent("." + file.lastPathComponent + ".part")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
            throw SwiftStorageError(.localFile, "cannot create \(partial.path); check the directory exists and is writable")
        }
        do {
            let handle = try FileHandle(forWritingTo: partial)
            defer { try? handle.close() }
            // Chunks arrive as the socket delivers them (often a few KiB): gather 1 MiB
            // per write call.
            var pending = ByteBuffer()
            pending.reserveCapacity(Self.writeBufferSize)
            func flush() throws {
                guard pending.readableBytes > 0 else { return }
                do {
                    try pending.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
                } catch {
                    throw SwiftStorageError(.localFile, "writing \(partial.path) failed (disk full?)", underlying: error)
                }
                pending.clear()
            }
            let info = try await download(container: container, object: object, progress: progress) { chunk in
                var chunk = chunk
                pending.writeBuffer(&chunk)
                if pending.readableBytes >= Self.writeBufferSize { try flush() }
            }
            try flush()
            // No fsync of the whole file (as curl and python-swiftclient): the rename
            // below only makes sure a file under the final name is complete and verified.
            _ = try? FileManager.default.removeItem(at: file)
            try FileManager.default.moveItem(at: partial, to: file)
            return info
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if error is SwiftStorageError { throw error }
            throw SwiftStorageError(.localFile, "saving \(container)/\(object) to \(file.path) failed", underlying: error)
        }
    }

    /// Bytes gathered before each write to a local file.
    static let writeBufferSize = 1 << 20

    /// Downloads a (small) object into memory, verified.
    public func downloadBytes(container: String, object: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await download(container: container, object: object) { bytes.append(contentsOf: $0.readableBytesView) }
        return bytes
    }
}
