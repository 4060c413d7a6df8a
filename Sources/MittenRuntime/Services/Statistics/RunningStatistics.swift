/// Count, mean, sample variance, minimum and maximum by Welford's online method: no
/// value is stored, and the update stays accurate when values share a large offset
/// (1e9 + small noise) where the naive sum-of-squares formula cancels catastrophically.
public struct RunningStatistics: Codable, Sendable, Equatable {
    /// Values added.
    public private(set) var count: Int = 0
    /// Mean of the values (0 when empty).
    public private(set) var mean: Double = 0
    /// Sum of squared differences from the mean.
    public private(set) var m2: Double = 0
    /// Smallest value (nil when empty).
    public private(set) var minimum: Double?
    /// Largest value (nil when empty).
    public private(set) var maximum: Double?

    /// An empty accumulator.
    public init() {}

    /// Adds one value.
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        minimum = Swift.min(minimum ?? value, value)
        maximum = Swift.max(maximum ?? value, value)
    }

    /// Adds a batch of values.
    public mutating func add<Values: Sequence>(contentsOf values: Values) where Values.Element == Double {
        for value in values { add(value) }
    }

    /// Sample variance (n - 1 in the denominator); nil with fewer than two values.
    public var variance: Double? { count > 1 ? m2 / Double(count - 1) : nil }

    /// Sample standard deviation; nil with fewer than two values.
    public var standardDeviation: Double? { variance.map { $0.squareRoot() } }
}
