/// The bytes of one data symbol defined in a static library (a GNU `ar` archive of
/// 64-bit little-endian ELF objects), found through the archive's symbol table: how the
/// build finds ICU's packaged data (`icudtNN_dat`) in the toolchain's
/// `lib_FoundationICU.a`.
public struct ArchivedSymbol: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// Every global symbol the member that defines it defines: overriding the symbol
    /// is only safe when it is the member's only one.
    public var definedByMember: [String]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case notFound(String)
        public var description: String {
            switch self {
            case .malformed(let why): "malformed archive: \(why)"
            case .notFound(let what): "no symbol \(what) in the archive"
            }
        }
    }

    /// The first symbol whose name `matches`, from the archive's bytes.
    public static func find(in archive: [UInt8], where matches: (String) -> Bool) throws -> ArchivedSymbol {
        guard archive.starts(with: Array("!<arch>\n".utf8)) else { throw Failure.malformed("no !<arch> magic") }
        guard let index = member(at: 8, in: archive), index.name == "/" else { throw Failure.malformed("no symbol table first") }
        let table = Array(archive[index.data])
        guard table.count >= 4 else { throw Failure.malformed("short symbol table") }
        let count = Int(bigEndian32(table, 0))
        guard 4 + count * 4 <= table.count else { throw Failure.malformed("symbol table count") }
        var cursor = 4 + count * 4
        for entry in 0..<count {
            guard let end = table[cursor...].firstIndex(of: 0) else { throw Failure.malformed("symbol table names") }
            let symbol = String(decoding: table[cursor..<end], as: UTF8.self)
            cursor = end + 1
            guard matches(symbol) else { continue }
            let offset = Int(bigEndian32(table, 4 + entry * 4))
            guard let object = member(at: offset, in: archive) else { throw Failure.malformed("member at \(offset)") }
            let elf = try ELFObject(Array(archive[object.data]))
            guard let bytes = try elf.bytes(of: symbol) else { throw Failure.notFound(symbol) }
            return ArchivedSymbol(name: symbol, bytes: bytes, definedByMember: elf.definedGlobals())
        }
        throw Failure.notFound("matching the pattern")
    }

    private static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    /// The member whose 60-byte header starts at `offset`: its raw name and data range.
    private static func member(at offset: Int, in archive: [UInt8]) -> (name: String, data: Range<Int>)? {
        guard offset >= 8, offset + 60 <= archive.count else { return nil }
        let name = String(decoding: archive[offset..<offset + 16], as: UTF8.self).trimmingTrailingSpaces()
        let sizeField = String(decoding: archive[offset + 48..<offset + 58], as: UTF8.self).trimmingTrailingSpaces()
        guard let size = Int(sizeField), offset + 60 + size <= archive.count else { return nil }
        return (name, offset + 60..<offset + 60 + size)
    }
}

/// Just enough of a 64-bit little-endian ELF relocatable object to read a symbol's bytes.
struct ELFObject {
    let bytes: [UInt8]
    let sections: [(type: UInt32, offset: Int, size: Int, link: Int)]

    init(_ bytes: [UInt8]) throws {
        let reader = LittleEndianReader(bytes)
        guard bytes.count >= 64, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]), bytes[4] == 2, bytes[5] == 1,
              let headers = reader.uint64(at: 0x28).map(Int.init), let size = reader.uint16(at: 0x3A), let count = reader.uint16(at: 0x3C),
              size == 64, headers + Int(count) * 64 <= bytes.count
        else { throw ArchivedSymbol.Failure.malformed("not a 64-bit little-endian ELF object") }
        var sections: [(UInt32, Int, Int, Int)] = []
        for index in 0..<Int(count) {
            let base = headers + index * 64
            let offset = Int(reader.uint64(at: base + 0x18)!), length = Int(reader.uint64(at: base + 0x20)!)
            sections.append((reader.uint32(at: base + 4)!, offset, length, Int(reader.uint32(at: base + 0x28)!)))
        }
        self.bytes = bytes
        self.sections = sections
    }

    /// (name, section index, value, size, binding) of every symbol.
    private func symbols() throws -> [(name: String, section: Int, value: Int, size: Int, global: Bool)] {
        guard let table = sections.first(where: { $0.type == 2 }), table.link < sections.count else { return [] }
        let strings = sections[table.link]
        guard table.offset + table.size <= bytes.count, strings.offset + strings.size <= bytes.count else {
            throw ArchivedSymbol.Failure.malformed("symbol table outside the object")
        }
        let reader = LittleEndianReader(bytes)
        return stride(from: table.offset, to: table.offset + table.size, by: 24).compactMap { entry in
            guard let nameOffset = reader.uint32(at: entry), let section = reader.uint16(at: entry + 6),
                  let value = reader.uint64(at: entry + 8), let size = reader.uint64(at: entry + 16),
                  let name = reader.cString(at: strings.offset + Int(nameOffset)) else { return nil }
            return (name, Int(section), Int(value), Int(size), bytes[entry + 4] >> 4 != 0)
        }
    }

    func bytes(of name: String) throws -> [UInt8]? {
        guard let symbol = try symbols().first(where: { $0.name == name }), symbol.section > 0, symbol.section < sections.count else { return nil }
        let section = sections[symbol.section]
        let start = section.offset + symbol.value
        guard section.type != 8, symbol.value + symbol.size <= section.size, start + symbol.size <= bytes.count else {
            throw ArchivedSymbol.Failure.malformed("\(name) lies outside its section")
        }
        return Array(bytes[start..<start + symbol.size])
    }

    func definedGlobals() -> [String] {
        ((try? symbols()) ?? []).filter { $0.global && $0.section != 0 }.map(\.name)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = Substring(self)
        while copy.last == " " { copy.removeLast() }
        return String(copy)
    }
}
