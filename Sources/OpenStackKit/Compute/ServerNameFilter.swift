/// A server-name filter for `GET /servers`. Nova treats `name` as a regular expression
/// matched anywhere in the name (`web-1` also finds `web-10` and `old-web-1`), so
/// filters are anchored, and the answer is checked again on this side.
public struct ServerNameFilter: Sendable, Equatable, CustomStringConvertible {
    /// The anchored regular expression sent to Nova.
    public let pattern: String

    /// Exactly this name: metacharacters escaped, anchored with `^...$`.
    public static func exactly(_ name: String) -> ServerNameFilter {
        ServerNameFilter(pattern: "^" + escape(name) + "$")
    }

    /// A regular expression, anchored with `^` and `$` unless it already is.
    public static func matching(_ regex: String) -> ServerNameFilter {
        var pattern = regex
        if !pattern.hasPrefix("^") { pattern = "^" + pattern }
        if !pattern.hasSuffix("$") || pattern.hasSuffix("\\$") { pattern += "$" }
        return ServerNameFilter(pattern: pattern)
    }

    /// Whether `name` matches the whole pattern (the check made on Nova's answer).
    public func matches(_ name: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: name)) != nil
    }

    /// The pattern.
    public var description: String { pattern }

    /// `name` with regular-expression metacharacters backslash-escaped.
    public static func escape(_ name: String) -> String {
        var out = ""
        for character in name {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
