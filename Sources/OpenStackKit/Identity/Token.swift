import Foundation

/// An authentication token with what came with it. Its id is a `Secret`: printing a
/// token shows when it expires and what it is scoped to, never the token itself.
public struct Token: Sendable, Equatable, CustomStringConvertible {
    /// The token (`X-Subject-Token` in v3, `access.token.id` in v2.0).
    public var id: Secret
    /// When Keystone says it expires.
    public var expiresAt: Date
    /// When it was issued (Keystone's `issued_at`), if given.
    public var issuedAt: Date?
    /// The project it is scoped to.
    public var projectID: String?
    /// The project's name.
    public var projectName: String?
    /// The user it belongs to.
    public var userID: String?
    /// The service catalog.
    public var catalog: ServiceCatalog

    /// Creates a token.
    public init(id: Secret, expiresAt: Date, issuedAt: Date? = nil, projectID: String? = nil, projectName: String? = nil,
                userID: String? = nil, catalog: ServiceCatalog) {
        self.id = id
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.projectID = projectID
        self.projectName = projectName
        self.userID = userID
        self.catalog = catalog
    }

    /// `Token(expires ..., project ...)`, without the token.
    public var description: String {
        let scope = (projectName ?? projectID).map { ", project \($0)" } ?? ""
        return "Token(expires \(ISO8601DateFormatter().string(from: expiresAt))\(scope))"
    }
}

/// Parses Keystone's timestamps: `2015-08-27T09:49:58.000000Z`, `2014-01-31T15:30:58Z`,
/// with or without a fraction or a `Z`.
enum KeystoneDate {
    static func parse(_ text: String) -> Date? {
        var main = text
        var fraction = 0.0
        if main.hasSuffix("Z") { main.removeLast() }
        if let offsetRange = main.range(of: "+00:00", options: .backwards) { main.removeSubrange(offsetRange) }
        if let dot = main.firstIndex(of: ".") {
            fraction = Double("0" + main[dot...]) ?? 0
            main = String(main[..<dot])
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: main + "Z") else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
