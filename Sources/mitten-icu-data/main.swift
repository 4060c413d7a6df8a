// Build tool: writes a C source that links a filtered copy of the toolchain's ICU data
// into mitten (ICUDataSelection says what is kept and why). Run by the ICUDataFilter
// build plugin: `mitten-icu-data ARCHIVE OUTPUT.c OUTPUT.dat`. Whatever goes wrong, it
// writes a source that defines nothing and says why on stderr: the build then links
// the unfiltered data and still works.
import Foundation
import ICUDataPackaging

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: mitten-icu-data ARCHIVE OUTPUT.c OUTPUT.dat\n".utf8))
    exit(64)
}
let (archivePath, sourcePath, dataPath) = (arguments[1], arguments[2], arguments[3])

/// The source to write, and why the data stays unfiltered if it does.
func source() -> (text: String, unfiltered: String?) {
    func unfiltered(_ reason: String) -> (String, String?) { (ICUDataSource.empty(because: reason), reason) }
    do {
        guard let archive = FileManager.default.contents(atPath: archivePath) else { return unfiltered("cannot read \(archivePath)") }
        let symbol = try ArchivedSymbol.find(in: Array(archive)) { name in
            name.hasPrefix("icudt") && name.hasSuffix("_dat") && name.dropFirst(5).dropLast(4).allSatisfy(\.isNumber)
        }
        guard symbol.definedByMember == [symbol.name] else {
            return unfiltered("\(symbol.name)'s object also defines \(symbol.definedByMember.filter { $0 != symbol.name })")
        }
        let full = try ICUDataPackage(parsing: symbol.bytes)
        let filtered = ICUDataSelection.filter(full)
        let bytes = filtered.serialized()
        try Data(bytes).write(to: URL(fileURLWithPath: dataPath), options: .atomic)
        var digest = UInt64(0xcbf2_9ce4_8422_2325)
        for byte in bytes { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let note = "\(filtered.items.count) of \(full.items.count) items, \(bytes.count) of \(symbol.bytes.count) bytes, FNV-1a \(String(digest, radix: 16))"
        guard let text = ICUDataSource.defining(symbol.name, dataPath: dataPath, note: note) else {
            return unfiltered("the path \(dataPath) cannot be quoted for the assembler")
        }
        return (text, nil)
    } catch {
        return unfiltered("\(archivePath): \(error)")
    }
}

let (text, reason) = source()
if let reason {
    FileHandle.standardError.write(Data("warning: mitten-icu-data: ICU data linked unfiltered: \(reason)\n".utf8))
}
do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: sourcePath), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("mitten-icu-data: cannot write \(sourcePath): \(error)\n".utf8))
    exit(1)
}
