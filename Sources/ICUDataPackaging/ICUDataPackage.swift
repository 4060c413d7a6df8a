/// An ICU common data package (data format `CmnD`, the `icudtNNl.dat` that ICU loads
/// its locale, collation, time zone and conversion data from): the package's header,
/// then a table of contents (item count; per item the offsets of its name and of its
/// bytes, both from the table's start), the names, and the items, each 16-byte aligned.
/// Items keep their order (sorted by name: ICU looks names up by binary search).
public struct ICUDataPackage: Sendable {
    public struct Item: Sendable {
        public var name: String
        public var bytes: [UInt8]
    }

    /// The header, copied as it was (size, magic, `UDataInfo`, copyright).
    public var header: [UInt8]
    public var items: [Item]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAPackage(String)
        public var description: String {
            switch self {
            case .notAPackage(let why): "not an ICU common data package: \(why)"
            }
        }
    }

    public init(header: [UInt8], items: [Item]) {
        self.header = header
        self.items = items
    }

    public init(parsing data: [UInt8]) throws {
        let reader = LittleEndianReader(data)
        guard data.count >= 20, let headerSize = reader.uint16(at: 0).map(Int.init), headerSize >= 20, headerSize <= data.count else {
            throw Failure.notAPackage("too short for a header")
        }
        guard data[2] == 0xDA, data[3] == 0x27 else { throw Failure.notAPackage("no 0xda27 magic") }
        guard data[8] == 0 else { throw Failure.notAPackage("big-endian packages are not supported") }
        guard Array(data[12..<16]) == Array("CmnD".utf8) else { throw Failure.notAPackage("data format is not CmnD") }
        let table = headerSize
        guard let count = reader.uint32(at: table).map(Int.init), table + 4 + count * 8 <= data.count else {
            throw Failure.notAPackage("table of contents runs past the end")
        }
        var entries: [(name: Int, offset: Int)] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard let name = reader.uint32(at: table + 4 + index * 8), let offset = reader.uint32(at: table + 8 + index * 8) else {
                throw Failure.notAPackage("table entry \(index) runs past the end")
            }
            entries.append((Int(name), Int(offset)))
        }
        var items: [Item] = []
        items.reserveCapacity(count)
        for (index, entry) in entries.enumerated() {
            let start = table + entry.offset
            let end = index + 1 < count ? table + entries[index + 1].offset : data.count
            guard start <= end, end <= data.count, let name = reader.cString(at: table + entry.name) else {
                throw Failure.notAPackage("item \(index) lies outside the package")
            }
            if let previous = items.last, !(previous.name.utf8.lexicographicallyPrecedes(name.utf8)) {
                throw Failure.notAPackage("item names are not sorted at \(name)")
            }
            items.append(Item(name: name, bytes: Array(data[start..<end])))
        }
        self.header = Array(data[0..<headerSize])
        self.items = items
    }

    /// The package as ICU reads it.
    public func serialized() -> [UInt8] {
        let table = header.count
        var names: [UInt8] = []
        var nameOffsets: [Int] = []
        let entriesEnd = 4 + items.count * 8
        for item in items {
            nameOffsets.append(entriesEnd + names.count)
            names += Array(item.name.utf8) + [0]
        }
        var offsets: [Int] = []
        var cursor = table + entriesEnd + names.count
        for item in items {
            cursor = (cursor + 15) & ~15
            offsets.append(cursor - table)
            cursor += item.bytes.count
        }
        var out = header
        out.reserveCapacity(cursor)
        out.appendLittleEndian(UInt32(items.count))
        for (name, offset) in zip(nameOffsets, offsets) {
            out.appendLittleEndian(UInt32(name))
            out.appendLittleEndian(UInt32(offset))
        }
        out += names
        for (item, offset) in zip(items, offsets) {
            out += [UInt8](repeating: 0, count: table + offset - out.count)
            out += item.bytes
        }
        return out
    }

    /// The item name without the package prefix (`icudt76l/`): `coll/de.res`.
    public static func path(of name: String) -> Substring {
        guard let slash = name.firstIndex(of: "/") else { return Substring(name) }
        return name[name.index(after: slash)...]
    }
}

struct LittleEndianReader {
    let data: [UInt8]
    init(_ data: [UInt8]) { self.data = data }

    func uint16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= data.count else { return nil }
        return UInt16(data[offset]) | UInt16(data[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= data.count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[offset + $1]) << (8 * $1) }
    }

    func uint64(at offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= data.count else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[offset + $1]) << (8 * $1) }
    }

    func cString(at offset: Int) -> String? {
        guard offset >= 0, offset < data.count, let end = data[offset...].firstIndex(of: 0) else { return nil }
        return String(decoding: data[offset..<end], as: UTF8.self)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
