/// A validated name of a shared service instance (`jobs` in `Queue-jobs`).
///
/// Names become file names under the data directory, so they are restricted to
/// letters, digits, `_`, `-` and `.`, start with a letter or digit, hold no `..`,
/// and are at most 100 characters. Nothing that could leave the data directory
/// (`/`, `..`, a leading `.`, NUL) gets through.
public struct ServiceName: Hashable, Sendable, CustomStringConvertible {
    /// The longest name accepted.
    public static let maximumLength = 100

    /// The validated name.
    public let value: String

    /// Validates `value`; throws ``RuntimeError/Code-swift.struct/invalidName`` saying which rule it broke.
    public init(_ value: String) throws {
        if let problem = Self.problem(with: value) {
            throw RuntimeError(.invalidName, "service name \"\(value.prefix(120))\" \(problem); use letters, digits, '_', '-' and '.' (starting with a letter or digit, at most \(Self.maximumLength) characters)")
        }
        self.value = value
    }

    /// Why `value` is not a valid name, or nil when it is.
    public static func problem(with value: String) -> String? {
        let scalars = Array(value.unicodeScalars)
        guard let first = scalars.first else { return "is empty" }
        guard scalars.count <= maximumLength else { return "is longer than \(maximumLength) characters" }
        guard isAlphanumeric(first) else { return "must start with a letter or a digit" }
        for scalar in scalars where !(isAlphanumeric(scalar) || scalar == "_" || scalar == "-" || scalar == ".") {
            return "contains \(scalar == "/" ? "a '/'" : "the character U+\(String(scalar.value, radix: 16, uppercase: true))")"
        }
        if value.contains("..") { return "contains '..'" }
        if value.hasSuffix(".") { return "ends with '.'" }
        return nil
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The name.
    public var description: String { value }
}

/// Limits shared by the services, documented in docs/services.md.
public enum ServiceLimits {
    /// The largest queue item or store value, in bytes (256 KiB), so that a batch of a
    /// few items always fits the wire's 1 MiB frame cap.
    public static let maximumItemBytes = 256 * 1024
    /// The most items one `pop` or `read` call returns.
    public static let maximumBatch = 10_000
    /// The most bytes of items one `pop` answer carries, counted as they travel (base64
    /// plus each item's fields), so that the answer fits the 1 MiB frame cap; a pop
    /// returns fewer items than asked rather than more bytes, and always at least one.
    public static let maximumReplyBytes = 768 * 1024

    /// What `body` adds to a reply: its base64 form and the item's other fields.
    public static func replyBytes(_ bodyCount: Int) -> Int { (bodyCount + 2) / 3 * 4 + 128 }

    /// Throws ``RuntimeError/Code-swift.struct/itemTooLarge`` for a body over the cap.
    public static func checkItem(_ body: [UInt8], index: Int? = nil) throws {
        guard body.count <= maximumItemBytes else {
            let which = index.map { "item \($0 + 1)" } ?? "the item"
            throw RuntimeError(.itemTooLarge, "\(which) is \(body.count) bytes, over the cap of \(maximumItemBytes) bytes; store large payloads elsewhere (object storage) and queue a reference to them")
        }
    }
}
