/// Parses the console's `--interval`: a number with a unit (`ms`, `s`, `m`), or bare
/// seconds; at least 100 ms.
public enum ConsoleDuration {
    /// The duration, or nil when `text` is not one (or is under 100 ms).
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite else { return nil }
        let milliseconds = value * scale * 1000
        guard milliseconds >= 100, milliseconds <= 86_400_000 else { return nil }
        return .milliseconds(Int(milliseconds.rounded()))
    }
}
