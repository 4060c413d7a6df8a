import NIOHTTP1
import Logging
import Crypto
import NIOCore
import Synchronization
import Foundation

/// An MD5 being computed by one task (the HTTP body writer) and read by another.
final class MD5Accumulator: Sendable {
    private let state = Mutex<(md5: Insecure.MD5, bytes: Int64)>((Insecure.MD5(), 0))

    func update(_ buffer: ByteBuffer) {
        state.withLock { state in
            buffer.withUnsafeReadableBytes { state.md5.update(bufferPointer: $0) }
            state.bytes += Int64(buffer.readableBytes)
        }
    }

    /// The hex digest and the byte count so far.
    func finish() -> (hex: String, bytes: Int64) {
        state.withLock { state in (state.md5.finalize().hexString, state.bytes) }
    }
}

/// The chunks of `base`, hashed on the way out; `progress` hears each chunk's size.
struct HashingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let accumulator: MD5Accumulator
    let progress: (@Sendable (Int) -> Void)?
    /// A test seam: flips a bit of the first chunk after it was hashed, so the server
    /// stores other bytes than those hashed (the only way to make a real ETag mismatch).
    let corruptAfterHashing: Bool

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let owner: HashingSequence
        var first = true

        mutating func next() async throws -> ByteBuffer? {
            guard var chunk = try await base.next() else { return nil }
            owner.accumulator.update(chunk)
            owner.progress?(chunk.readableBytes)
            if owner.corruptAfterHashing, first, chunk.readableBytes > 0 {
                let index = chunk.readerIndex
                chunk.setInteger(chunk.getInteger(at: index, as: UInt8.self)! ^ 0xFF, at: index)
            }
            first = false
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), owner: self) }
}

/// Checks a download against the MD5 of each expected part: one part (a plain object,
/// its ETag) or one per SLO segment (sizes and hashes from the manifest).
struct SegmentVerifier {
    /// One expected part.
    struct Part: Equatable {
        var bytes: Int64
        var md5: String
    }
    private let parts: [Part]
    private var index = 0
    private var filled: Int64 = 0
    private var md5 = Insecure.MD5()
    private(set) var total: Int64 = 0

    init(parts: [Part]) { self.parts = parts }

    /// Feeds received bytes; throws at the first part whose MD5 differs.
    mutating func update(_ buffer: ByteBuffer, what: String) throws {
        var rest = buffer
        total += Int64(rest.readableBytes)
        while rest.readableBytes > 0 {
            guard index < parts.count else {
                throw SwiftStorageError(.checksumMismatch, "\(what): received more bytes than the object's size; download it again")
            }
            let take = Int(min(Int64(rest.readableBytes), parts[index].bytes - filled))
            rest.readSlice(length: take)!.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
            filled += Int64(take)
            if filled == parts[index].bytes { try closePart(what: what) }
        }
    }

    /// Checks that every part arrived whole (zero-length parts included).
    mutating func finish(what: String) throws {
        while index < parts.count, parts[index].bytes == filled { try closePart(what: what) }
        guard index == parts.count else {
            throw SwiftStorageError(.checksumMismatch, "\(what): the download ended early (\(total) bytes); download it again")
        }
    }

    private mutating func closePart(what: String) throws {
        let got = md5.finalize().hexString
        let expected = parts[index].md5.lowercased()
        guard got == expected else {
            let which = parts.count > 1 ? "segment \(index + 1) of \(parts.count)" : "the object"
            throw SwiftStorageError(.checksumMismatch, "\(what): the MD5 of \(which) is \(got) but Swift's ETag says \(expected); the stored copy may be corrupt, download again or re-upload")
        }
        index += 1
        filled = 0
        md5 = Insecure.MD5()
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An ETag header without quotes, lower-cased.
func normalizedETag(_ value: String?) -> String? {
    value.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased() }
}

/// The MD5 of a string's UTF-8 bytes, in hex (an SLO's ETag is that of its segments' ETags).
func md5Hex(_ text: String) -> String {
    Insecure.MD5.hash(data: Array(text.utf8)).hexString
}

/// A tiny lock-protected box (the body factory runs once per attempt on another task).
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func set(_ value: Value) { mutex.withLock { $0 = value } }
    func get() -> Value { mutex.withLock { $0 } }
    func withValue<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
