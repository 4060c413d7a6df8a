import CZlib
import Foundation

/// User-data ready for Nova: the bytes to send (plain or gzipped) and their base64
/// form, checked against Nova's limit of 65,535 base64 bytes.
public struct RenderedUserData: Sendable, Equatable {
    /// Nova's limit on the base64-encoded `user_data` field.
    public static let maximumEncodedSize = 65_535

    /// The bytes cloud-init receives.
    public let bytes: [UInt8]
    /// True when ``bytes`` is gzip (cloud-init recognises and unpacks it).
    public let isGzipped: Bool
    /// The size of the rendered text before any compression.
    public let renderedSize: Int

    /// The base64 text Nova's `user_data` field takes.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// The length of ``base64``.
    public var encodedSize: Int { (bytes.count + 2) / 3 * 4 }

    /// Encodes `text` for `node`: as it is when its base64 fits Nova's limit, gzipped
    /// when only that makes it fit; otherwise an error saying how big it is.
    public init(text: String, node: String, limit: Int = RenderedUserData.maximumEncodedSize) throws {
        let plain = Array(text.utf8)
        self.renderedSize = plain.count
        if Self.encodedLength(plain.count) <= limit {
            self.bytes = plain
            self.isGzipped = false
            return
        }
        let compressed = try Self.gzip(plain)
        guard Self.encodedLength(compressed.count) <= limit else {
            throw ClusterError(
                .userDataTooLarge,
                "the user-data of \(node) is \(plain.count) bytes (\(Self.encodedLength(plain.count)) in base64, "
                    + "\(Self.encodedLength(compressed.count)) gzipped), over Nova's limit of \(limit) base64 bytes; "
                    + "shorten the task definitions or the config: section"
            )
        }
        self.bytes = compressed
        self.isGzipped = true
    }

    static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// gzip (RFC 1952) at the best compression level.
    static func gzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip header and trailer.
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ClusterError(.templateFailure, "zlib could not start compressing the user-data")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw ClusterError(.templateFailure, "zlib failed to compress the user-data (status \(status))")
        }
        return Array(output.prefix(Int(stream.total_out)))
    }

    /// Unpacks gzip data (used by tests and `render` to show what cloud-init sees).
    static func gunzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ClusterError(.templateFailure, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var result: [UInt8] = []
        var input = input
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status != Z_STREAM_END {
                status = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw ClusterError(.templateFailure, "the data is not valid gzip (zlib status \(status))")
                }
                result += chunk.prefix(chunk.count - Int(stream.avail_out))
            }
        }
        return result
    }
}
