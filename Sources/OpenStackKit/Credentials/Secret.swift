/// A password, token or application-credential secret. Its `description`,
/// `debugDescription` and reflection show `<redacted>`, so it cannot leak into a log
/// line, an error or a `dump`; code that needs it reads `revealed` explicitly.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself: use only to put it on the wire.
    public let revealed: String

    /// Wraps a secret.
    public init(_ value: String) { self.revealed = value }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension Secret: Codable {
    /// Decodes a secret from a JSON string.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the secret as a plain JSON string (it goes on the wire).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(revealed)
    }
}
