import NIOCore

/// The binary payloads of the registry's hot methods, `register` (every owner renews
/// every third of its lease) and `lookup` (every client resolving a named service):
/// docs/wire-protocol.md, "Registry". JSON through Codable was nearly half of the
/// CPU of such a call on both sides.
enum RegistryWireFormat {
    static let section = "Registry"

    /// An entry: `u16 length, name, u16 length, host, u16 port, u16 length, description`.
    static func write(_ entry: RegistryEntry, to output: inout ByteBuffer) throws {
        guard (0...65535).contains(entry.address.port) else {
            throw RuntimeError(.badPayload, "port \(entry.address.port) of \(entry.name) is not in 0...65535")
        }
        try WirePayload.writeString(entry.name, to: &output, "the entry's name")
        try WirePayload.writeString(entry.address.host, to: &output, "the entry's host")
        output.writeInteger(UInt16(entry.address.port))
        try WirePayload.writeString(entry.description, to: &output, "the entry's description")
    }

    static func readEntry(_ input: inout ByteBuffer) throws -> RegistryEntry {
        let name = try WirePayload.readString(&input, "the entry's name", section: section)
        let host = try WirePayload.readString(&input, "the entry's host", section: section)
        let port = try WirePayload.read(UInt16.self, &input, "the entry's port", section: section)
        let description = try WirePayload.readString(&input, "the entry's description", section: section)
        return RegistryEntry(name: name, address: WireAddress(host: host, port: Int(port)), description: description)
    }

    /// The longest lease a registration may ask for (one day); the shortest is 1 ms.
    static let longestLease = Duration.seconds(86_400)

    /// Refuses a lease outside 1 ms...``longestLease``, or an entry without a name.
    static func validate(_ entry: RegistryEntry, ttl: Duration) throws {
        guard ttl >= .milliseconds(1), ttl <= longestLease, !entry.name.isEmpty else {
            throw RuntimeError(.badPayload, "a registration needs a name and a lease between 1 ms and 86400 seconds, not \(ttl)")
        }
    }

    /// `register` request: `u32 lease milliseconds, ENTRY`.
    static func encodeRegister(_ entry: RegistryEntry, ttl: Duration) throws -> ByteBuffer {
        try validate(entry, ttl: ttl)
        let milliseconds = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        var output = ByteBuffer()
        output.writeInteger(UInt32(milliseconds))
        try write(entry, to: &output)
        return output
    }

    static func decodeRegister(_ payload: ByteBuffer) throws -> (entry: RegistryEntry, ttl: Duration) {
        var input = payload
        let milliseconds = try WirePayload.read(UInt32.self, &input, "the lease", section: section)
        let entry = try readEntry(&input)
        try WirePayload.expectEnd(input, "register", section: section)
        return (entry, .milliseconds(Int64(milliseconds)))
    }

    /// `register` reply: `u8` 1 when the name was new, 0 for a renewal.
    static func encodeIsNew(_ isNew: Bool) -> ByteBuffer {
        ByteBuffer(bytes: [isNew ? 1 : 0])
    }

    static func decodeIsNew(_ payload: ByteBuffer) throws -> Bool {
        var input = payload
        let flag = try WirePayload.read(UInt8.self, &input, "the new flag", section: section)
        try WirePayload.expectEnd(input, "register reply", section: section)
        return flag != 0
    }

    /// `lookup` request: `u16 length, name`.
    static func encodeName(_ name: String) throws -> ByteBuffer {
        var output = ByteBuffer()
        try WirePayload.writeString(name, to: &output, "the name")
        return output
    }

    static func decodeName(_ payload: ByteBuffer) throws -> String {
        var input = payload
        let name = try WirePayload.readString(&input, "the name", section: section)
        try WirePayload.expectEnd(input, "lookup", section: section)
        return name
    }

    /// `lookup` reply: empty when the name is not live, else ENTRY.
    static func encodeFound(_ entry: RegistryEntry?) throws -> ByteBuffer {
        var output = ByteBuffer()
        if let entry { try write(entry, to: &output) }
        return output
    }

    static func decodeFound(_ payload: ByteBuffer) throws -> RegistryEntry? {
        guard payload.readableBytes > 0 else { return nil }
        var input = payload
        let entry = try readEntry(&input)
        try WirePayload.expectEnd(input, "lookup reply", section: section)
        return entry
    }
}
