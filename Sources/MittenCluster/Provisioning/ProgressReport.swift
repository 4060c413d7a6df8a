import Foundation

/// How `up` shows its progress: one line per VM redrawn in place on a terminal, one
/// plain line per change otherwise, or one JSON object per change (`--json`, for CI).
public enum ProgressStyle: String, Sendable, CaseIterable {
    case terminal, plain, json
}

/// The progress of every VM of one `up`, rendered in one of the ``ProgressStyle``s.
/// Pure: it returns the text to write; the caller writes it.
public struct ProgressReport: Sendable {
    /// One VM's row.
    public struct Row: Sendable, Hashable {
        public var node: String
        public var phase: NodeLifecycle.Phase
        /// Seconds since `up` started when the VM entered its phase.
        public var elapsed: Double
        /// A note such as a fault message or the reason it failed.
        public var note: String?
    }

    /// The rows, in plan order (Control first).
    public private(set) var rows: [Row]
    /// The style.
    public let style: ProgressStyle
    private var drawnLines = 0

    /// A report whose VMs are all `planned`.
    public init(nodes: [String], style: ProgressStyle) {
        self.rows = nodes.map { Row(node: $0, phase: .planned, elapsed: 0, note: nil) }
        self.style = style
    }

    /// Records that `node` entered `phase` at `elapsed` seconds; returns what to write.
    public mutating func update(node: String, phase: NodeLifecycle.Phase, elapsed: Double, note: String? = nil) -> String {
        if let index = rows.firstIndex(where: { $0.node == node }) {
            rows[index] = Row(node: node, phase: phase, elapsed: elapsed, note: note)
        } else {
            rows.append(Row(node: node, phase: phase, elapsed: elapsed, note: note))
        }
        let row = Row(node: node, phase: phase, elapsed: elapsed, note: note)
        switch style {
        case .plain:
            return Self.plainLine(row) + "\n"
        case .json:
            var object: [String: Any] = ["event": "node", "node": node, "phase": phase.rawValue, "elapsed": (elapsed * 10).rounded() / 10]
            if let note { object["note"] = note }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        case .terminal:
            // Move up over what was drawn, then redraw every row, clearing each line.
            var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            for row in rows { text += "\r\u{1B}[2K" + Self.plainLine(row) + "\n" }
            drawnLines = rows.count
            return text
        }
    }

    /// `Checksummer-2    bootstrapped   12.3s  note`.
    static func plainLine(_ row: Row) -> String {
        let name = row.node.padding(toLength: max(18, row.node.count + 1), withPad: " ", startingAt: 0)
        let phase = row.phase.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
        let elapsed = String(format: "%6.1fs", row.elapsed)
        return "\(name)\(phase)\(elapsed)" + (row.note.map { "  \($0)" } ?? "")
    }
}
