/// Renders service descriptions as text tables: one table per kind, `Control` first,
/// columns sized to their widest entry, numbers right-aligned and text left-aligned.
public enum StatusTable {
    /// Renders every description, grouped by kind (Control, Registry, then by name).
    public static func render(_ descriptions: [ServiceDescription]) -> String {
        let groups = Dictionary(grouping: descriptions, by: \.kind)
        let order = groups.keys.sorted { rank($0) == rank($1) ? $0 < $1 : rank($0) < rank($1) }
        return order.map { kind in
            renderGroup(groups[kind]!.sorted { $0.name < $1.name })
        }.joined(separator: "\n")
    }

    private static func rank(_ kind: String) -> Int {
        switch kind {
        case "Control": 0
        case "Registry": 1
        default: 2
        }
    }

    /// Renders one group that shares a kind (and so its per-kind columns).
    public static func renderGroup(_ rows: [ServiceDescription]) -> String {
        guard let first = rows.first else { return "" }
        var titles = ["Name", "PID", "Hostname", "OS Reqs", "RSS KB", "Uptime"]
        let hasRestarts = rows.contains { $0.restarts != nil }
        if hasRestarts { titles.append("Restarts") }
        titles += first.columns.map(\.title)
        let cells: [[(String, Bool)]] = rows.map { row in
            var line: [(String, Bool)] = [
                (row.name, false), (String(row.pid), true), (row.hostname, false),
                (String(row.openStackRequests), true), (String(row.rssKB), true), (uptime(row.uptimeSeconds), true),
            ]
            if hasRestarts { line.append((row.restarts.map(String.init) ?? "", true)) }
            for title in first.columns.map(\.title) {
                let value = row.columns.first { $0.title == title }?.value
                line.append(format(value))
            }
            return line
        }
        var widths = titles.map(\.count)
        for line in cells {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.0.count) }
        }
        let rightAligned = titles.indices.map { index in cells.allSatisfy { $0[index].1 } }
        func pad(_ text: String, _ index: Int) -> String {
            let gap = String(repeating: " ", count: widths[index] - text.count)
            return rightAligned[index] ? gap + text : text + gap
        }
        var lines = ["\(first.kind)", titles.indices.map { pad(titles[$0], $0) }.joined(separator: "  ")]
        for line in cells {
            lines.append(line.indices.map { pad(line[$0].0, $0) }.joined(separator: "  "))
        }
        return lines.map { $0.trailingSpacesTrimmed }.joined(separator: "\n") + "\n"
    }

    static func format(_ value: ServiceDescription.Value?) -> (String, Bool) {
        switch value {
        case .none: ("", true)
        case .text(let text): (text, false)
        case .integer(let number): (String(number), true)
        case .number(let number, let digits): (fixed(number, digits: digits), true)
        case .check(let checked): (checked ? "[x]" : "[ ]", false)
        }
    }

    static func fixed(_ number: Double, digits: Int) -> String {
        guard number.isFinite else { return number.isNaN ? "-" : (number > 0 ? "inf" : "-inf") }
        let scale = (0..<digits).reduce(1.0) { value, _ in value * 10 }
        let rounded = (abs(number) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        let sign = number < 0 && rounded != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let fractionText = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }

    static func uptime(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total / 60 % 60)m"
    }
}

extension String {
    var trailingSpacesTrimmed: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
