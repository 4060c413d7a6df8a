import Foundation

/// A compute API microversion such as 2.64. Comparable, parsed from `"2.64"`.
public struct ComputeMicroversion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major version (2).
    public var major: Int
    /// Minor version.
    public var minor: Int

    /// Creates a microversion.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `"2.64"` (a leading `v` is accepted); nil for anything else, including "".
    public init?(_ text: String) {
        let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
        let parts = trimmed.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    /// What mitten asks for: 2.64 (server groups with a single `policy`, keypair types,
    /// `networks: "none"|"auto"`, flavors embedded in servers).
    public static let preferred = ComputeMicroversion(2, 64)
    /// Since 2.2 keypairs have a `type`.
    public static let keypairType = ComputeMicroversion(2, 2)
    /// Since 2.37 `networks` is required on create and may be `"auto"` or `"none"`.
    public static let networksRequired = ComputeMicroversion(2, 37)
    /// Since 2.64 server groups take one `policy` instead of a `policies` list.
    public static let serverGroupPolicy = ComputeMicroversion(2, 64)

    /// `2.64`.
    public var description: String { "\(major).\(minor)" }

    /// Orders by major, then minor.
    public static func < (lhs: ComputeMicroversion, rhs: ComputeMicroversion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The version to use given what the server offers: the requested one, lowered to
    /// the server's maximum; nil (send no header) when the server has no microversions
    /// or its minimum is above what was requested.
    public static func negotiate(requested: ComputeMicroversion, minimum: ComputeMicroversion?,
                                 maximum: ComputeMicroversion?) -> ComputeMicroversion? {
        guard let maximum else { return nil }
        let chosen = min(requested, maximum)
        if let minimum, chosen < minimum { return nil }
        return chosen
    }

    /// The maximum in Nova's 406 message ("Version 2.99 is not supported by the API.
    /// Minimum is 2.1 and maximum is 2.93.").
    public static func maximum(inRefusal message: String) -> ComputeMicroversion? {
        guard let range = message.range(of: "maximum is ") else { return nil }
        let rest = message[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return ComputeMicroversion(String(rest.hasSuffix(".") ? rest.dropLast() : rest))
    }
}

/// Nova's version document at the compute endpoint (`GET /v2.1`): `{"version": {...}}`.
public struct ComputeVersionDocument: Codable, Sendable, Equatable {
    /// The version object.
    public struct Version: Codable, Sendable, Equatable {
        /// `v2.1`.
        public var id: String
        /// `CURRENT`, `SUPPORTED`, ...
        public var status: String?
        /// The maximum microversion ("" for an API without microversions).
        public var version: String?
        /// The minimum microversion.
        public var minVersion: String?

        enum CodingKeys: String, CodingKey { case id, status, version, minVersion = "min_version" }

        /// Creates a version object.
        public init(id: String, status: String? = nil, version: String? = nil, minVersion: String? = nil) {
            self.id = id
            self.status = status
            self.version = version
            self.minVersion = minVersion
        }
    }

    /// The version.
    public var version: Version

    /// Creates a document.
    public init(version: Version) { self.version = version }
}

/// Remembers the negotiated compute microversion (one version-document GET per client).
actor MicroversionNegotiator {
    let requested: ComputeMicroversion
    private var negotiated: ComputeMicroversion??

    init(requested: ComputeMicroversion) { self.requested = requested }

    /// The negotiated version, asking `fetch` for the version document the first time.
    func version(fetch: @Sendable () async throws -> ComputeVersionDocument?) async throws -> ComputeMicroversion? {
        if let negotiated { return negotiated }
        let document = try await fetch()
        let chosen = ComputeMicroversion.negotiate(
            requested: requested, minimum: document?.version.minVersion.flatMap(ComputeMicroversion.init),
            maximum: document?.version.version.flatMap(ComputeMicroversion.init))
        negotiated = .some(chosen)
        return chosen
    }

    /// The negotiated version when known, else the requested one (a read can go
    /// before the version document came back: a server below it answers 406 with its
    /// maximum, and the request is retried once lowered).
    func optimistic() -> ComputeMicroversion? {
        if let negotiated { return negotiated }
        return requested
    }

    /// Lowers the version after a 406 that named the server's maximum.
    func lower(to maximum: ComputeMicroversion?) {
        negotiated = .some(maximum.map { min(requested, $0) })
    }
}
