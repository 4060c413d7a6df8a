/// Everything one frame of `mitten console` shows, as a value: the renderer
/// (``ConsoleScreen``) turns it into lines without any I/O.
public struct ConsoleFrame: Sendable, Equatable {
    /// Whether Control answered.
    public enum State: Sendable, Equatable {
        /// Control has not answered yet (or stopped answering): for how long, and why.
        case waiting(seconds: Double, reason: String?)
        /// The rows are from the latest refresh.
        case live
    }

    /// One service row: its description, when lost for how long, and its rates.
    public struct Row: Sendable, Equatable {
        /// The (last) description.
        public var description: ServiceDescription
        /// Seconds since it last answered; nil while it answers.
        public var lostFor: Double?
        /// Per-second rates by column title (`Items/s`), from ``RateTracker``.
        public var rates: [String: Double]

        /// Creates a row.
        public init(description: ServiceDescription, lostFor: Double? = nil, rates: [String: Double] = [:]) {
            self.description = description
            self.lostFor = lostFor
            self.rates = rates
        }
    }

    /// Control's address as shown.
    public var control: String
    /// Waiting or live.
    public var state: State
    /// Rows in display order.
    public var rows: [Row]
    /// Seconds between refreshes (shown in the header).
    public var interval: Double
    /// A wall-clock label for the header (e.g. `04:59:07`); nil shows none.
    public var clock: String?

    /// Creates a frame.
    public init(control: String, state: State, rows: [Row], interval: Double = 2, clock: String? = nil) {
        self.control = control
        self.state = state
        self.rows = rows
        self.interval = interval
        self.clock = clock
    }

    /// Rows grouped by kind, in display order (kinds by ``StatusTable/ordered(_:_:)``).
    public var groups: [(kind: String, rows: [Row])] {
        var order: [String] = []
        var byKind: [String: [Row]] = [:]
        for row in rows {
            if byKind[row.description.kind] == nil { order.append(row.description.kind) }
            byKind[row.description.kind, default: []].append(row)
        }
        return order.sorted(by: StatusTable.ordered).map { kind in
            (kind, byKind[kind]!.sorted { $0.description.name < $1.description.name })
        }
    }
}

/// Whether to colour the console: only on a terminal, never with `NO_COLOR` set to
/// anything non-empty (https://no-color.org), never for `TERM=dumb` or no `TERM`.
public enum ConsoleColour {
    /// The decision, from facts the caller gathers (isatty, the environment).
    public static func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }
}
