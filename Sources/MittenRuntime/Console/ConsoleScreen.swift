/// The pure renderer of `mitten console`: a ``ConsoleFrame`` plus a terminal size, a
/// scroll offset and a colour flag in, lines out. One table per kind (Control, the
/// registry, task groups, queues, mutexes, statistics, stores) built by
/// ``StatusTable/cells(_:)``, plus the console's own rate columns (`X/s`) and a
/// `State` column when a group has lost services. No I/O, no clock.
public enum ConsoleScreen {
    /// A rendered screen.
    public struct Output: Sendable, Equatable {
        /// The lines to draw, each at most `width` cells (escape codes excluded).
        public var lines: [String]
        /// The scroll offset actually used (clamped to the body's length).
        public var scroll: Int
        /// Body lines in all (the scrollable part).
        public var bodyCount: Int
        /// Body lines that fit on the screen.
        public var bodyHeight: Int
    }

    enum Style { case plain, title, columns, lost }

    static let reset = "\u{1B}[0m"

    static func escape(_ style: Style) -> String {
        switch style {
        case .plain: ""
        case .title: "\u{1B}[1m"
        case .columns: "\u{1B}[4m"
        case .lost: "\u{1B}[90m"
        }
    }

    /// The tables, without header or footer: what `mitten console --once` prints.
    public static func plain(_ frame: ConsoleFrame) -> String {
        body(frame).map(\.0).joined(separator: "\n") + "\n"
    }

    /// The full screen: a header line, the visible part of the tables from `scroll`, and
    /// a footer with keys and position. Lines are cut to `width` cells.
    public static func render(_ frame: ConsoleFrame, width: Int, height: Int, scroll: Int, colour: Bool) -> Output {
        let width = max(width, 1)
        let lines = body(frame)
        let chrome = height >= 3 ? 2 : 0
        let bodyHeight = max(height - chrome, 0)
        let offset = min(max(scroll, 0), max(lines.count - bodyHeight, 0))
        let visible = lines.dropFirst(offset).prefix(bodyHeight)
        var out: [String] = []
        func add(_ text: String, _ style: Style, fill: Bool = false) {
            var cut = DisplayWidth.truncate(text, to: width)
            if fill, colour { cut = DisplayWidth.pad(cut, to: width, right: false) }
            out.append(colour && style != .plain ? escape(style) + cut + reset : cut)
        }
        if chrome > 0 {
            var header = "mitten console · control \(frame.control) · every \(StatusTable.fixed(frame.interval, digits: frame.interval.rounded() == frame.interval ? 0 : 1))s"
            if let clock = frame.clock { header += " · \(clock)" }
            out.append(colour ? "\u{1B}[7m" + DisplayWidth.pad(DisplayWidth.truncate(header, to: width), to: width, right: false) + reset : DisplayWidth.truncate(header, to: width))
        }
        for (text, style) in visible { add(text, style) }
        if chrome > 0 {
            while out.count < height - 1 { out.append("") }
            let last = min(offset + bodyHeight, lines.count)
            let position = lines.isEmpty ? "" : "  lines \(offset + 1)-\(last) of \(lines.count)"
            add("q quit  ↑↓ PgUp PgDn Home End scroll" + position, .plain)
        }
        return Output(lines: out, scroll: offset, bodyCount: lines.count, bodyHeight: bodyHeight)
    }

    /// One frame as terminal bytes: cursor home, each line followed by clear-to-end-of-
    /// line, then clear-to-end-of-screen; written in one piece there is no flicker.
    public static func terminalFrame(_ lines: [String]) -> String {
        "\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J"
    }

    static func body(_ frame: ConsoleFrame) -> [(String, Style)] {
        if case .waiting(let seconds, let reason) = frame.state {
            var lines: [(String, Style)] = [("waiting for control at \(frame.control) (\(Int(seconds))s)", .title)]
            if let reason { lines.append((reason, .plain)) }
            return lines
        }
        let groups = frame.groups
        guard !groups.isEmpty else { return [("no services registered at \(frame.control)", .plain)] }
        var lines: [(String, Style)] = []
        for (index, group) in groups.enumerated() {
            if index > 0 { lines.append(("", .plain)) }
            lines.append((title(group.kind, group.rows), .title))
            let table = cells(group.rows)
            let laid = TableLayout.lines(titles: table.titles, rows: table.rows)
            lines.append((laid[0], .columns))
            for (row, text) in zip(group.rows, laid.dropFirst()) { lines.append((text, row.lostFor == nil ? .plain : .lost)) }
        }
        return lines
    }

    /// The group's title: the kind, the registry's counts as the original showed them
    /// (`3✓ 3⤓ 0☠`: live, registered, expired), and how many are lost.
    static func title(_ kind: String, _ rows: [ConsoleFrame.Row]) -> String {
        var text = kind
        if kind == "Registry", let registry = rows.first(where: { $0.lostFor == nil })?.description {
            func count(_ title: String) -> String {
                if case .integer(let value) = registry.columns.first(where: { $0.title == title })?.value { return String(value) }
                return "?"
            }
            text += " \(count("Count"))✓ \(count("Registered"))⤓ \(count("Expired"))☠"
        }
        let lost = rows.count { $0.lostFor != nil }
        if lost > 0 { text += "  (\(lost) lost)" }
        return text
    }

    /// The group's cells: the status columns, the rate columns, and `State` when any row is lost.
    static func cells(_ rows: [ConsoleFrame.Row]) -> (titles: [String], rows: [[TableCell]]) {
        var (titles, cells) = StatusTable.cells(rows.map(\.description))
        let reported = rows.first?.description.columns.map(\.title) ?? []
        let rateTitles = RateTracker.rateTitles(kind: rows.first?.description.kind ?? "", reported: reported)
        titles += rateTitles
        let anyLost = rows.contains { $0.lostFor != nil }
        if anyLost { titles.append("State") }
        for (index, row) in rows.enumerated() {
            for title in rateTitles {
                cells[index].append(.number(row.rates[title].map { StatusTable.fixed($0, digits: 1) } ?? "-"))
            }
            if anyLost { cells[index].append(.text(row.lostFor.map { "lost \(Int($0))s" } ?? "")) }
        }
        return (titles, cells)
    }
}
