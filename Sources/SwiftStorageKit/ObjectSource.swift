import NIOHTTP1
import Logging
public import NIOCore
import Foundation

/// Where the bytes of an upload come from. A file (or bytes in memory) can be read again,
/// so its PUT is retried and it can go up as a Static Large Object; a stream is sent once.
public struct ObjectSource: Sendable {
    enum Kind: Sendable {
        case file(path: String, offset: Int64, length: Int64)
        case bytes(ByteBuffer)
        case stream(any AsyncSequence<ByteBuffer, any Error> & Sendable, length: Int64?)
    }
    let kind: Kind

    /// A whole local file; its size is read now.
    public static func file(_ url: URL) throws -> ObjectSource {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw SwiftStorageError(.localFile, "cannot read \(url.path); check the path and its permissions", underlying: error)
        }
        guard (attributes[.type] as? FileAttributeType) != .typeDirectory else {
            throw SwiftStorageError(.localFile, "\(url.path) is a directory; pass files")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return ObjectSource(kind: .file(path: url.path, offset: 0, length: size))
    }

    /// Bytes held in memory (small objects).
    public static func bytes(_ bytes: some Sequence<UInt8>) -> ObjectSource {
        ObjectSource(kind: .bytes(ByteBuffer(bytes: Array(bytes))))
    }

    /// An asynchronous sequence of chunks, consumed once (never retried, never segmented).
    /// `length`, if known, is sent as Content-Length; else the body is chunked.
    public static func stream(_ chunks: some AsyncSequence<ByteBuffer, any Error> & Sendable, length: Int64? = nil) -> ObjectSource {
        ObjectSource(kind: .stream(chunks, length: length))
    }

    /// The size in bytes, if known before sending.
    public var length: Int64? {
        switch kind {
        case .file(_, _, let length): length
        case .bytes(let buffer): Int64(buffer.readableBytes)
        case .stream(_, let length): length
        }
    }

    /// Whether the bytes can be produced again (for retries and parallel segments).
    public var isRestartable: Bool {
        if case .stream = kind { return false }
        return true
    }

    /// A byte range of a file source (one SLO segment).
    func slice(offset: Int64, length: Int64) -> ObjectSource? {
        guard case .file(let path, let base, _) = kind else { return nil }
        return ObjectSource(kind: .file(path: path, offset: base + offset, length: length))
    }

    /// The chunks of this source, for one attempt.
    func chunks(chunkSize: Int) -> any AsyncSequence<ByteBuffer, any Error> & Sendable {
        switch kind {
        case .file(let path, let offset, let length): FileChunks(path: path, offset: offset, length: length, chunkSize: chunkSize)
        case .bytes(let buffer): FileChunks.Single(buffer: buffer)
        case .stream(let stream, _): stream
        }
    }
}

/// A byte range of a file read in chunks, lazily, one chunk in memory at a time.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64
    let chunkSize: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let owner: FileChunks
        var handle: FileHandle?
        var remaining: Int64

        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0 else {
                try? handle?.close()
                handle = nil
                return nil
            }
            if handle == nil {
                do {
                    let opened = try FileHandle(forReadingFrom: URL(fileURLWithPath: owner.path))
                    try opened.seek(toOffset: UInt64(owner.offset))
                    handle = opened
                } catch {
                    throw SwiftStorageError(.localFile, "cannot read \(owner.path)", underlying: error)
                }
            }
            let wanted = Int(Swift.min(Int64(owner.chunkSize), remaining))
            let data: Data
            do {
                data = try handle?.read(upToCount: wanted) ?? Data()
            } catch {
                throw SwiftStorageError(.localFile, "reading \(owner.path) failed", underlying: error)
            }
            guard !data.isEmpty else {
                throw SwiftStorageError(.localFile, "\(owner.path) became shorter while it was uploaded; upload it again once it stops changing")
            }
            remaining -= Int64(data.count)
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: self, handle: nil, remaining: length) }

    /// One buffer as a sequence (bytes held in memory).
    struct Single: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let buffer: ByteBuffer
        struct AsyncIterator: AsyncIteratorProtocol {
            var buffer: ByteBuffer?
            mutating func next() async throws -> ByteBuffer? {
                defer { buffer = nil }
                return buffer
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
    }
}
