/// Which items of ICU's data mitten's static binary carries. The toolchain's package
/// (~34 MB, 40% of the binary every VM fetches) holds data for every locale; mitten
/// formats, compares and parses in English and the root locale only, and names every
/// other locale only to fall back to root. Kept: every item that is not one of the
/// following (~6 MB):
/// - a locale's bundle (`.res` named by a locale id: `de.res`, `coll/zh_Hant.res`,
///   `zone/sr_Latn_BA.res`), in any tree, unless the locale is root or English
///   (`en`, `en_*`): another locale then gets root's data, as for a locale ICU does
///   not know;
/// - a conversion table (`.cnv`: Shift-JIS, EUC, the IBM code pages); UTF-8/16/32,
///   ASCII and Latin-1 are converted without tables;
/// - a word-break dictionary (`brkitr/*.dict`: CJK, Thai, Lao, Burmese, Khmer words).
public enum ICUDataSelection {
    public static func keeps(_ name: String) -> Bool {
        let path = ICUDataPackage.path(of: name)
        let file = path.split(separator: "/").last ?? path
        guard let dot = file.lastIndex(of: ".") else { return true }
        let stem = file[..<dot], kind = file[file.index(after: dot)...]
        switch kind {
        case "cnv", "dict": return false
        case "res": return !isLocale(stem) || stem == "root" || stem == "en" || stem.hasPrefix("en_")
        default: return true
        }
    }

    /// A locale id as ICU names its bundles: a language of 2-3 lowercase letters, then
    /// `_`-separated script, region and variant subtags, possibly empty (`sr_Latn_BA`,
    /// `ca_ES_VALENCIA`, `ja_JP_TRADITIONAL`, the alias `de_`).
    /// `res_index` and `pool` are the trees' index and shared strings, not locales.
    static func isLocale(_ stem: Substring) -> Bool {
        if stem == "root" { return true }
        if stem == "res_index" || stem == "pool" { return false }
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return parts.dropFirst().allSatisfy { part in
            part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    /// The package with only the items ``keeps(_:)`` accepts.
    public static func filter(_ package: ICUDataPackage) -> ICUDataPackage {
        ICUDataPackage(header: package.header, items: package.items.filter { keeps($0.name) })
    }
}
