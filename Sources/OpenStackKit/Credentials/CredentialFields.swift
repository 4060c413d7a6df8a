import Foundation

/// A partial set of credential fields from one source (flags, `OS_*` environment,
/// clouds.yaml, ~/.power_mitten). `Credentials.resolve` layers them by precedence.
public struct CredentialFields: Sendable, Equatable {
    /// `auth_url`.
    public var authURL: String?
    /// `auth_type`.
    public var authType: Credentials.AuthType?
    /// `identity_api_version`.
    public var identityAPIVersion: Credentials.IdentityVersion?
    /// `username`.
    public var username: String?
    /// `user_id`.
    public var userID: String?
    /// `password`.
    public var password: Secret?
    /// `user_domain_name`.
    public var userDomainName: String?
    /// `user_domain_id`.
    public var userDomainID: String?
    /// `project_name` (`tenant_name`).
    public var projectName: String?
    /// `project_id` (`tenant_id`).
    public var projectID: String?
    /// `project_domain_name`.
    public var projectDomainName: String?
    /// `project_domain_id`.
    public var projectDomainID: String?
    /// `application_credential_id`.
    public var applicationCredentialID: String?
    /// `application_credential_name`.
    public var applicationCredentialName: String?
    /// `application_credential_secret`.
    public var applicationCredentialSecret: Secret?
    /// `region_name`.
    public var regionName: String?
    /// `interface`.
    public var interface: EndpointInterface?

    /// Creates an empty set.
    public init() {}

    /// Whether no field is set.
    public var isEmpty: Bool { self == CredentialFields() }

    /// These fields, with any field left unset here taken from `lower`.
    public func layered(over lower: CredentialFields) -> CredentialFields {
        var out = self
        out.authURL = authURL ?? lower.authURL
        out.authType = authType ?? lower.authType
        out.identityAPIVersion = identityAPIVersion ?? lower.identityAPIVersion
        out.username = username ?? lower.username
        out.userID = userID ?? lower.userID
        out.password = password ?? lower.password
        out.userDomainName = userDomainName ?? lower.userDomainName
        out.userDomainID = userDomainID ?? lower.userDomainID
        out.projectName = projectName ?? lower.projectName
        out.projectID = projectID ?? lower.projectID
        out.projectDomainName = projectDomainName ?? lower.projectDomainName
        out.projectDomainID = projectDomainID ?? lower.projectDomainID
        out.applicationCredentialID = applicationCredentialID ?? lower.applicationCredentialID
        out.applicationCredentialName = applicationCredentialName ?? lower.applicationCredentialName
        out.applicationCredentialSecret = applicationCredentialSecret ?? lower.applicationCredentialSecret
        out.regionName = regionName ?? lower.regionName
        out.interface = interface ?? lower.interface
        return out
    }

    /// Sets a field from its clouds.yaml / `OS_*` key (lower-case, without `os_`).
    /// Unknown keys are ignored; a bad value for an enumerated key throws.
    public mutating func set(key: String, value: String) throws {
        let value = value.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return }
        switch key {
        case "auth_url": authURL = value
        case "auth_type":
            switch value.lowercased() {
            case "password", "v3password", "v2password": authType = .password
            case "v3applicationcredential", "applicationcredential": authType = .applicationCredential
            default: throw Self.invalid(key, value, "password or v3applicationcredential")
            }
        case "identity_api_version":
            switch value.lowercased() {
            case "2", "2.0", "v2", "v2.0": identityAPIVersion = .v2
            case "3", "3.0", "v3": identityAPIVersion = .v3
            default: throw Self.invalid(key, value, "2.0 or 3")
            }
        case "username", "user_name": username = value
        case "user_id": userID = value
        case "password": password = Secret(value)
        case "user_domain_name": userDomainName = value
        case "user_domain_id": userDomainID = value
        case "project_name", "tenant_name": projectName = value
        case "project_id", "tenant_id": projectID = value
        case "project_domain_name": projectDomainName = value
        case "project_domain_id": projectDomainID = value
        case "application_credential_id": applicationCredentialID = value
        case "application_credential_name": applicationCredentialName = value
        case "application_credential_secret": applicationCredentialSecret = Secret(value)
        case "region_name": regionName = value
        case "interface", "endpoint_type":
            guard let parsed = EndpointInterface(parsing: value) else { throw Self.invalid(key, value, "public, internal or admin") }
            interface = parsed
        default: break
        }
    }

    private static func invalid(_ key: String, _ value: String, _ expected: String) -> OpenStackError {
        OpenStackError(code: .invalidCredentials, message: "\(key) is \"\(value)\"; expected \(expected)", service: "identity")
    }
}
