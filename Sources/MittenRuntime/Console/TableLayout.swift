/// One cell of a text table: its text and whether it is a number (right-aligned).
public struct TableCell: Sendable, Equatable {
    /// The text shown.
    public var text: String
    /// True for numbers (right-aligned); text is left-aligned.
    public var isNumber: Bool

    /// Creates a cell.
    public init(_ text: String, isNumber: Bool) {
        self.text = text
        self.isNumber = isNumber
    }

    /// A text cell.
    public static func text(_ text: String) -> TableCell { TableCell(text, isNumber: false) }
    /// A number cell.
    public static func number(_ text: String) -> TableCell { TableCell(text, isNumber: true) }
}

/// Lays out a table: each column as wide as its widest entry (title included, measured
/// in terminal cells), two spaces between columns, a column right-aligned when every
/// non-empty cell in it is a number. Lines carry no trailing spaces.
public enum TableLayout {
    /// The title line followed by one line per row.
    public static func lines(titles: [String], rows: [[TableCell]]) -> [String] {
        var widths = titles.map(DisplayWidth.of)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(cell.text))
            }
        }
        let rightAligned = titles.indices.map { index in
            rows.allSatisfy { row in index >= row.count || row[index].isNumber || row[index].text.isEmpty }
        }
        func line(_ texts: [String]) -> String {
            texts.indices.map { DisplayWidth.pad(texts[$0], to: widths[$0], right: rightAligned[$0]) }
                .joined(separator: "  ").trailingSpacesTrimmed
        }
        return [line(titles)] + rows.map { row in line(titles.indices.map { $0 < row.count ? row[$0].text : "" }) }
    }
}
