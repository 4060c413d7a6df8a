/// Per-second rates of services' counter columns, computed between this console's own
/// refreshes (so they do not depend on, or disturb, anybody else looking). Pure: the
/// caller passes the time of each refresh.
///
/// Which columns are counters is a table by kind (``rated``); a column's rate is shown
/// as `TITLE/s` unless the service already reports a column of that title.
public struct RateTracker: Sendable {
    /// Counter columns by kind.
    public static let rated: [String: [String]] = [
        "Queue": ["Items", "Acked", "Pushed"],
        "Statistics": ["Items"],
        "Registry": ["Registered", "Expired"],
        "Store": ["Entries", "Items"],
    ]

    private struct Sample: Sendable {
        var pid: Int32
        var time: Double
        var values: [String: Int]
    }

    private var previous: [String: Sample] = [:]

    /// Creates a tracker with no history.
    public init() {}

    /// The rate column titles for `kind` given its service-reported column titles.
    public static func rateTitles(kind: String, reported: [String]) -> [String] {
        (rated[kind] ?? []).filter(reported.contains).map { "\($0)/s" }.filter { !reported.contains($0) }
    }

    /// Records `descriptions` seen at `now` and returns, per service name, the rate of
    /// each counter column since that service's previous sample (title `X/s`). A
    /// service whose pid changed (restarted) starts over, as does the first sample.
    public mutating func update(_ descriptions: [ServiceDescription], at now: Double) -> [String: [String: Double]] {
        var rates: [String: [String: Double]] = [:]
        for description in descriptions {
            var values: [String: Int] = [:]
            for title in RateTracker.rated[description.kind] ?? [] {
                if case .integer(let value) = description.columns.first(where: { $0.title == title })?.value { values[title] = value }
            }
            guard !values.isEmpty else { continue }
            if let last = previous[description.name], last.pid == description.pid, now > last.time {
                var serviceRates: [String: Double] = [:]
                for (title, value) in values {
                    if let before = last.values[title] { serviceRates["\(title)/s"] = Double(value - before) / (now - last.time) }
                }
                rates[description.name] = serviceRates
            }
            previous[description.name] = Sample(pid: description.pid, time: now, values: values)
        }
        return rates
    }
}
