/// Renders service descriptions as text tables: one table per kind, `Control` first,
/// columns sized to their widest entry, numbers right-aligned and text left-aligned.
public enum StatusTable {
    /// Renders every description, grouped by kind (Control, Registry, then by name).
    public static func render(_ descriptions: [ServiceDescription]) -> String {
        let groups = Dictionary(grouping: descriptions, by: \.kind)
        let order = groups.keys.sorted(by: ordered)
        return order.map { kind in
            renderGroup(groups[kind]!.sorted { $0.name < $1.name })
        }.joined(separator: "\n")
    }

    /// Display order of kinds: Control, the registry, task groups (any kind that is not
    /// a shared service), then queues, mutexes, statistics and stores.
    public static func rank(_ kind: String) -> Int {
        switch kind {
        case "Control": 0
        case "Registry": 1
        case "Queue": 3
        case "Mutex": 4
        case "Statistics": 5
        case "Store": 6
        default: 2
        }
    }

    /// Whether kind `a` is shown before kind `b`.
    public static func ordered(_ a: String, _ b: String) -> Bool {
        rank(a) == rank(b) ? a < b : rank(a) < rank(b)
    }

    /// Renders one group that shares a kind (and so its per-kind columns).
    public static func renderGroup(_ rows: [ServiceDescription]) -> String {
        guard let first = rows.first else { return "" }
        let table = cells(rows)
        let lines = [first.kind] + TableLayout.lines(titles: table.titles, rows: table.rows)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The titles and cells of one group: Name, PID, Hostname, OS Reqs, RSS KB, Uptime,
    /// Restarts (when any row counts them), then the first row's per-kind columns.
    public static func cells(_ rows: [ServiceDescription]) -> (titles: [String], rows: [[TableCell]]) {
        guard let first = rows.first else { return ([], []) }
        var titles = ["Name", "PID", "Hostname", "OS Reqs", "RSS KB", "Uptime"]
        let hasRestarts = rows.contains { $0.restarts != nil }
        if hasRestarts { titles.append("Restarts") }
        let kindTitles = first.columns.map(\.title)
        titles += kindTitles
        let cells: [[TableCell]] = rows.map { row in
            var line: [TableCell] = [
                .text(row.name), .number(String(row.pid)), .text(row.hostname),
                .number(String(row.openStackRequests)), .number(String(row.rssKB)), .number(uptime(row.uptimeSeconds)),
            ]
            if hasRestarts { line.append(.number(row.restarts.map(String.init) ?? "")) }
            for title in kindTitles {
                let (text, isNumber) = format(row.columns.first { $0.title == title }?.value)
                line.append(TableCell(text, isNumber: isNumber))
            }
            return line
        }
        return (titles, cells)
    }

    static func format(_ value: ServiceDescription.Value?) -> (String, Bool) {
        switch value {
        case .none: ("", true)
        case .text(let text): (text, false)
        case .integer(let number): (String(number), true)
        case .number(let number, let digits): (fixed(number, digits: digits), true)
        case .check(let checked): (checked ? "☑" : "☐", false)
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
