/// Remembers services the console has seen so that one that stops answering is shown
/// as lost for `keep` seconds instead of vanishing between two refreshes. Pure: time is
/// passed in (seconds on any monotonic scale), so it is tested with plain numbers.
public struct LostTracker: Sendable {
    /// One row to show: the last description seen and, when lost, for how long.
    public struct Row: Sendable, Equatable {
        /// The latest description (for a lost service: the last one it gave).
        public var description: ServiceDescription
        /// Seconds since it was last seen; nil while it answers.
        public var lostFor: Double?
    }

    /// How long a lost service stays on screen.
    public var keep: Double
    private var lastSeen: [String: (description: ServiceDescription, time: Double)] = [:]

    /// Creates a tracker that keeps lost services for `keep` seconds (60 by default).
    public init(keep: Double = 60) {
        self.keep = keep
    }

    /// Records the services that answered at `now`; returns those plus the lost ones
    /// still within `keep`, in display order (kind order, then name).
    public mutating func update(_ live: [ServiceDescription], at now: Double) -> [Row] {
        for description in live { lastSeen[description.name] = (description, now) }
        let answered = Set(live.map(\.name))
        var rows = live.map { Row(description: $0, lostFor: nil) }
        for (name, seen) in lastSeen where !answered.contains(name) {
            let lostFor = now - seen.time
            if lostFor > keep {
                lastSeen[name] = nil
            } else {
                rows.append(Row(description: seen.description, lostFor: lostFor))
            }
        }
        return rows.sorted { a, b in
            a.description.kind == b.description.kind ? a.description.name < b.description.name
                : StatusTable.ordered(a.description.kind, b.description.kind)
        }
    }
}
