import Foundation

/// The SSH wire encoding of RFC 4251 §5 (uint32 and length-prefixed strings), enough
/// for public key blobs and the `openssh-key-v1` private key container.
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func writeUInt32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    mutating func writeString<Bytes: Collection<UInt8>>(_ value: Bytes) {
        writeUInt32(UInt32(value.count))
        bytes += value
    }

    mutating func writeString(_ value: String) { writeString(Array(value.utf8)) }

    mutating func writeRaw<Bytes: Collection<UInt8>>(_ value: Bytes) { bytes += value }
}

/// Reads what `SSHWireWriter` writes; every read throws `invalidKey` on truncation.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let what: String

    init<Bytes: Collection<UInt8>>(_ bytes: Bytes, what: String) {
        self.bytes = Array(bytes)
        self.what = what
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: ArraySlice<UInt8> { bytes[offset...] }

    mutating func readRaw(count: Int) throws(MittenSSHError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else {
            throw MittenSSHError(.invalidKey, "\(what) is truncated or malformed; regenerate it with `ssh-keygen -t ed25519`.")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func readUInt32() throws(MittenSSHError) -> UInt32 {
        let raw = try readRaw(count: 4)
        return raw.reduce(0) { ($0 << 8) | UInt32($1) }
    }

    mutating func readString() throws(MittenSSHError) -> [UInt8] {
        let length = try readUInt32()
        return try readRaw(count: Int(length))
    }

    mutating func readText() throws(MittenSSHError) -> String {
        String(decoding: try readString(), as: UTF8.self)
    }
}
