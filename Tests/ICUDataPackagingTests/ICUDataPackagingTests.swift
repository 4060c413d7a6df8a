import Foundation
import Testing
@testable import ICUDataPackaging

/// The filtered ICU data mitten's static binary links: the package format, what is kept,
/// and the real toolchain package, read back by ICU's own `icupkg`.
@Suite struct ICUDataPackagingTests {
    /// A header as ICU writes it: size, magic, UDataInfo (little-endian, ASCII, 2-byte
    /// UChar, format `CmnD` 1.0), padded to 32 bytes.
    static let header: [UInt8] = [32, 0, 0xDA, 0x27, 20, 0, 0, 0, 0, 0, 2, 0] + Array("CmnD".utf8) + [1, 0, 0, 0, 76, 1, 0, 0] + [UInt8](repeating: 0, count: 8)

    @Test func serializedPackagesParseBackWithAlignedItems() throws {
        let items = [("icudt76l/a.res", 16), ("icudt76l/coll/b.res", 5), ("icudt76l/zz.icu", 33)].map { name, size in
            ICUDataPackage.Item(name: name, bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ name.count) })
        }
        let bytes = ICUDataPackage(header: Self.header, items: items).serialized()
        let parsed = try ICUDataPackage(parsing: bytes)
        #expect(parsed.header == Self.header)
        #expect(parsed.items.map(\.name) == items.map(\.name))
        for (read, written) in zip(parsed.items, items) {
            // An item runs to the next one's start, so it may carry the alignment padding.
            #expect(Array(read.bytes.prefix(written.bytes.count)) == written.bytes)
            #expect(read.bytes.dropFirst(written.bytes.count).allSatisfy { $0 == 0 })
            #expect(read.bytes.count - written.bytes.count < 16)
        }
        // Every item starts 16-byte aligned (ICU maps its data structures in place).
        let reader = LittleEndianReader(bytes)
        for index in 0..<items.count {
            #expect(Int(reader.uint32(at: 32 + 8 + index * 8)! + 32) % 16 == 0)
        }
    }

    @Test func malformedPackagesAreRefused() {
        #expect(throws: ICUDataPackage.Failure.self) { try ICUDataPackage(parsing: Array("not a package at all, really".utf8)) }
        var bigEndian = Self.header + [0, 0, 0, 0]
        bigEndian[8] = 1
        #expect(throws: ICUDataPackage.Failure.notAPackage("big-endian packages are not supported")) { try ICUDataPackage(parsing: bigEndian) }
        // A table of contents that claims more entries than the bytes hold.
        #expect(throws: ICUDataPackage.Failure.notAPackage("table of contents runs past the end")) {
            try ICUDataPackage(parsing: Self.header + [0xFF, 0, 0, 0])
        }
        // Names out of order: ICU could not find items by binary search.
        let unsorted = ICUDataPackage(header: Self.header, items: [.init(name: "x/b.res", bytes: [1]), .init(name: "x/a.res", bytes: [2])])
        #expect(throws: ICUDataPackage.Failure.notAPackage("item names are not sorted at x/a.res")) { try ICUDataPackage(parsing: unsorted.serialized()) }
        #expect(throws: ArchivedSymbol.Failure.malformed("no !<arch> magic")) { try ArchivedSymbol.find(in: Array("ELF".utf8)) { _ in true } }
        #expect(throws: ArchivedSymbol.Failure.self) { try ArchivedSymbol.find(in: Array("!<arch>\ngarbage".utf8)) { _ in true } }
    }

    @Test(arguments: [
        ("icudt76l/root.res", true), ("icudt76l/en.res", true), ("icudt76l/en_US_POSIX.res", true), ("icudt76l/en_001.res", true),
        ("icudt76l/pool.res", true), ("icudt76l/res_index.res", true), ("icudt76l/zoneinfo64.res", true), ("icudt76l/supplementalData.res", true),
        ("icudt76l/likelySubtags.res", true), ("icudt76l/icuver.res", true), ("icudt76l/cnvalias.icu", true), ("icudt76l/nfkc.nrm", true),
        ("icudt76l/coll/ucadata.icu", true), ("icudt76l/coll/root.res", true), ("icudt76l/brkitr/line.brk", true), ("icudt76l/zone/en_GB.res", true),
        ("icudt76l/de.res", false), ("icudt76l/sr_Latn_BA.res", false), ("icudt76l/ca_ES_VALENCIA.res", false), ("icudt76l/ff_Adlm.res", false),
        ("icudt76l/coll/zh_Hant.res", false), ("icudt76l/zone/fr.res", false), ("icudt76l/translit/el.res", false), ("icudt76l/es_419.res", false),
        ("icudt76l/ja_JP_TRADITIONAL.res", false), ("icudt76l/coll/de_.res", false), ("icudt76l/keyTypeData.res", true), ("icudt76l/tzdbNames.res", true),
        ("icudt76l/ibm-943_P15A-2003.cnv", false), ("icudt76l/brkitr/cjdict.dict", false),
    ])
    func selection(name: String, kept: Bool) {
        #expect(ICUDataSelection.keeps(name) == kept, "\(name)")
    }

    @Test func sourceDefinesTheSymbolOrRefusesAPathItCannotQuote() throws {
        let source = try #require(ICUDataSource.defining("icudt76_dat", dataPath: "/build/icu_data.dat", note: "n"))
        #expect(source.contains(#".globl icudt76_dat\n"#) && source.contains(#".incbin \"/build/icu_data.dat\"\n"#))
        #expect(ICUDataSource.defining("icudt76_dat", dataPath: "/build/\"x\".dat", note: "n") == nil)
        #expect(ICUDataSource.defining("icudt76_dat; rm", dataPath: "/build/x.dat", note: "n") == nil)
        #expect(!ICUDataSource.empty(because: "x").contains("incbin"))
    }

    /// The toolchain's static ICU library, beside the `swiftc` on PATH.
    static var toolchainArchive: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let swiftc = URL(fileURLWithPath: String(directory)).appending(path: "swiftc")
            guard FileManager.default.isExecutableFile(atPath: swiftc.path) else { continue }
            let archive = swiftc.resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
                .appending(path: "lib/swift_static/linux/lib_FoundationICU.a").path
            return FileManager.default.fileExists(atPath: archive) ? archive : nil
        }
        return nil
    }

    @Test(.enabled(if: toolchainArchive != nil, "needs a toolchain with static Foundation"))
    func theToolchainsPackageFiltersToWhatICUReads() async throws {
        let archivePath = try #require(Self.toolchainArchive)
        let archive = try #require(FileManager.default.contents(atPath: archivePath))
        let symbol = try ArchivedSymbol.find(in: Array(archive)) { $0.hasPrefix("icudt") && $0.hasSuffix("_dat") }
        #expect(symbol.definedByMember == [symbol.name], "overriding the symbol must not drop anything else")
        let full = try ICUDataPackage(parsing: symbol.bytes)
        let filtered = ICUDataSelection.filter(full)
        let bytes = filtered.serialized()
        #expect(full.items.count > 1000 && filtered.items.count < full.items.count / 2)
        #expect(bytes.count < symbol.bytes.count / 3, "\(bytes.count) of \(symbol.bytes.count)")

        // What the selection keeps is byte for byte what the toolchain shipped.
        let original = Dictionary(uniqueKeysWithValues: full.items.map { ($0.name, $0.bytes) })
        let reread = try ICUDataPackage(parsing: bytes)
        #expect(reread.items.map(\.name) == full.items.map(\.name).filter(ICUDataSelection.keeps))
        for item in reread.items {
            let shipped = try #require(original[item.name])
            #expect(Array(item.bytes.prefix(shipped.count)) == shipped, "\(item.name)")
        }
        let prefix = String(full.items[0].name.prefix { $0 != "/" })
        for needed in ["root.res", "en.res", "en_US_POSIX.res", "pool.res", "res_index.res", "zoneinfo64.res", "timezoneTypes.res",
                       "metaZones.res", "supplementalData.res", "likelySubtags.res", "coll/ucadata.icu", "coll/root.res", "brkitr/root.res"] {
            #expect(original[prefix + "/" + needed] != nil && reread.items.contains { $0.name == prefix + "/" + needed }, "\(needed)")
        }

        // ICU's own package tool reads the filtered package and lists the same items.
        let directory = FileManager.default.temporaryDirectory.appending(path: "mitten-icu-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: prefix + ".dat")
        try Data(bytes).write(to: path)
        let icupkg = Process()
        icupkg.executableURL = URL(fileURLWithPath: "/usr/sbin/icupkg")
        icupkg.arguments = ["-l", path.path]
        let (output, errors) = (Pipe(), Pipe())
        icupkg.standardOutput = output
        icupkg.standardError = errors
        try icupkg.run()
        let complaints = Task { String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        let listed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        icupkg.waitUntilExit()
        #expect(listed.split(separator: "\n").map(String.init) == reread.items.map { String(ICUDataPackage.path(of: $0.name)) })
        // icupkg checks that every item an item refers to is there: the only ones missing
        // are the word dictionaries the root break rules name, which ICU loads only for
        // text in those scripts (and does without when they are absent).
        let missing = Set(await complaints.value.split(separator: "\n").map(String.init))
        #expect(!missing.isEmpty && missing.allSatisfy { $0.hasPrefix("Item brkitr/root.res depends on missing item brkitr/") && $0.hasSuffix("dict.dict") }, "\(missing)")
    }
}
