/// A rate over a sliding window, computed from a counter and the times it was sampled.
///
/// The service samples its own counters (at most once per second, whenever it does
/// work or is described), so the rate is the same however many observers ask and
/// however often: describing does not reset anything, unlike the original's
/// "delta since the last look".
public struct RateWindow: Sendable, Hashable {
    private struct Sample: Sendable, Hashable {
        var time: Timestamp
        var value: Int64
    }

    /// How far back the rate looks.
    public let window: Duration
    private var samples: [Sample] = []

    /// Creates an empty window (10 s by default).
    public init(window: Duration = .seconds(10)) {
        self.window = window
    }

    /// Notes that the counter had `value` at `time`; keeps at most one sample per second.
    public mutating func record(_ value: Int64, at time: Timestamp) {
        if let last = samples.last, time.milliseconds / 1000 == last.time.milliseconds / 1000 {
            return
        }
        samples.append(Sample(time: time, value: value))
        // Keep one sample older than the window as the baseline for an idle period.
        let horizon = time.advanced(by: .zero - window)
        while samples.count > 2, samples[1].time <= horizon {
            samples.removeFirst()
        }
    }

    /// The change of the counter from the baseline (the oldest sample in the window
    /// that is at least a second old, else the newest older one) to `value` now, and
    /// the seconds that change took. Nil before there is a baseline.
    public func change(to value: Int64, at now: Timestamp) -> (delta: Int64, seconds: Double)? {
        let horizon = now.advanced(by: .zero - window)
        let recent = now.advanced(by: .seconds(-1))
        let eligible = samples.filter { $0.time <= recent }
        let baseline = eligible.first { $0.time >= horizon } ?? eligible.last
        guard let baseline else { return nil }
        let seconds = Double(now.milliseconds - baseline.time.milliseconds) / 1000
        return (value - baseline.value, seconds)
    }

    /// The counter's change per second over the window; 0 before there is a baseline.
    public func perSecond(to value: Int64, at now: Timestamp) -> Double {
        guard let (delta, seconds) = change(to: value, at: now), seconds > 0 else { return 0 }
        return Double(delta) / seconds
    }
}
