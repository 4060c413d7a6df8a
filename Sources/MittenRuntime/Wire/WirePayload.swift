import NIOCore

/// Reading and writing the binary payloads of hot methods (docs/wire-protocol.md):
/// integers big-endian, strings as `u16 length, UTF-8 bytes`. A payload that ends early,
/// holds a string that is not UTF-8, or has bytes after its end is refused with
/// `badPayload`, naming the section of the document that describes it.
enum WirePayload {
    static func read<T: FixedWidthInteger>(_ type: T.Type, _ input: inout ByteBuffer, _ what: String, section: String) throws -> T {
        guard let value = input.readInteger(as: T.self) else {
            throw RuntimeError(.badPayload, "the payload ends before \(what) (see docs/wire-protocol.md, \(section))")
        }
        return value
    }

    /// A `u16 length, UTF-8 bytes` string.
    static func readString(_ input: inout ByteBuffer, _ what: String, section: String) throws -> String {
        let count = Int(try read(UInt16.self, &input, "the length of \(what)", section: section))
        guard input.readableBytes >= count else {
            throw RuntimeError(.badPayload, "the payload ends inside \(what) (see docs/wire-protocol.md, \(section))")
        }
        let text = input.readableBytesView.prefix(count).withContiguousStorageIfAvailable { String(validating: $0, as: UTF8.self) }
        input.moveReaderIndex(forwardBy: count)
        guard let text = text ?? nil else { throw RuntimeError(.badPayload, "\(what) is not UTF-8 (see docs/wire-protocol.md, \(section))") }
        return text
    }

    /// Writes `text` as `u16 length, UTF-8 bytes`; refuses a string longer than 65535 bytes.
    static func writeString(_ text: String, to output: inout ByteBuffer, _ what: String) throws {
        let count = text.utf8.count
        guard count <= Int(UInt16.max) else { throw RuntimeError(.badPayload, "\(what) is \(count) bytes long; at most 65535 fit") }
        output.writeInteger(UInt16(count))
        output.writeString(text)
    }

    static func expectEnd(_ input: ByteBuffer, _ method: String, section: String) throws {
        guard input.readableBytes == 0 else {
            throw RuntimeError(.badPayload, "the \(method) payload has \(input.readableBytes) bytes after its end (see docs/wire-protocol.md, \(section))")
        }
    }
}
