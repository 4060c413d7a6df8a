/// Everything needed to authenticate to Keystone and pick endpoints, from whichever
/// source supplied it (see `Credentials.resolve` and docs/credentials.md). Field names
/// follow the `OS_*` variables and clouds.yaml keys. Secrets are `Secret`s, so a
/// `Credentials` value can be printed or logged safely.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    /// Keystone API version.
    public enum IdentityVersion: String, Sendable, Equatable {
        /// Keystone v2.0 (`tenantName` + `passwordCredentials`).
        case v2 = "2.0"
        /// Keystone v3.
        case v3 = "3"
    }

    /// How to authenticate.
    public enum AuthType: String, Sendable, Equatable {
        /// User name or id and password.
        case password
        /// A v3 application credential (id, or name + user) and its secret.
        case applicationCredential = "v3applicationcredential"
    }

    /// The Keystone URL (`.../v3`, `.../v2.0`, `.../v2.0/tokens`, or unversioned).
    public var authURL: String
    /// The authentication method; nil means decided from the fields present.
    public var authType: AuthType?
    /// The identity API version; nil means decided from `authURL` (default v3).
    public var identityAPIVersion: IdentityVersion?
    /// User name.
    public var username: String?
    /// User id.
    public var userID: String?
    /// Password.
    public var password: Secret?
    /// Domain of the user, by name.
    public var userDomainName: String?
    /// Domain of the user, by id.
    public var userDomainID: String?
    /// Project (v2.0: tenant) name.
    public var projectName: String?
    /// Project (v2.0: tenant) id.
    public var projectID: String?
    /// Domain of the project, by name.
    public var projectDomainName: String?
    /// Domain of the project, by id.
    public var projectDomainID: String?
    /// Application credential id.
    public var applicationCredentialID: String?
    /// Application credential name (needs the user too).
    public var applicationCredentialName: String?
    /// Application credential secret.
    public var applicationCredentialSecret: Secret?
    /// Region for endpoint selection; nil accepts any region.
    public var regionName: String?
    /// Endpoint interface: `public` (default), `internal` or `admin`.
    public var interface: EndpointInterface

    /// Creates credentials.
    public init(authURL: String, authType: AuthType? = nil, identityAPIVersion: IdentityVersion? = nil,
                username: String? = nil, userID: String? = nil, password: Secret? = nil,
                userDomainName: String? = nil, userDomainID: String? = nil,
                projectName: String? = nil, projectID: String? = nil,
                projectDomainName: String? = nil, projectDomainID: String? = nil,
                applicationCredentialID: String? = nil, applicationCredentialName: String? = nil,
                applicationCredentialSecret: Secret? = nil, regionName: String? = nil,
                interface: EndpointInterface = .public) {
        self.authURL = authURL
        self.authType = authType
        self.identityAPIVersion = identityAPIVersion
        self.username = username
        self.userID = userID
        self.password = password
        self.userDomainName = userDomainName
        self.userDomainID = userDomainID
        self.projectName = projectName
        self.projectID = projectID
        self.projectDomainName = projectDomainName
        self.projectDomainID = projectDomainID
        self.applicationCredentialID = applicationCredentialID
        self.applicationCredentialName = applicationCredentialName
        self.applicationCredentialSecret = applicationCredentialSecret
        self.regionName = regionName
        self.interface = interface
    }

    /// The identity version in use: `identityAPIVersion` if set, else what the auth URL
    /// says (`/v2.0` -> v2.0, `/v3` -> v3), else v3.
    public var resolvedIdentityVersion: IdentityVersion {
        if let identityAPIVersion { return identityAPIVersion }
        let path = authURL.lowercased().split(separator: "?").first.map(String.init) ?? ""
        if path.contains("/v2.0") { return .v2 }
        return .v3
    }

    /// The authentication method in use: `authType` if set, else application credential
    /// when a secret for one is present, else password.
    public var resolvedAuthType: AuthType {
        authType ?? (applicationCredentialSecret != nil ? .applicationCredential : .password)
    }

    /// The URL tokens are requested from: `.../v3/auth/tokens` or `.../v2.0/tokens`.
    public var tokenURL: String {
        var base = authURL
        while base.hasSuffix("/") { base.removeLast() }
        switch resolvedIdentityVersion {
        case .v2:
            if base.hasSuffix("/tokens") { return base }
            if !base.lowercased().hasSuffix("/v2.0") { base += "/v2.0" }
            return base + "/tokens"
        case .v3:
            if base.hasSuffix("/auth/tokens") { return base }
            if !base.lowercased().hasSuffix("/v3") { base += "/v3" }
            return base + "/auth/tokens"
        }
    }

    /// Checks that the fields make a complete request for the chosen method and version,
    /// throwing `OpenStackError.Code.invalidCredentials` naming what is missing.
    public func validate() throws {
        func missing(_ what: String) -> OpenStackError {
            OpenStackError(code: .invalidCredentials, message: "incomplete OpenStack credentials: \(what) (see docs/credentials.md)",
                           service: "identity")
        }
        if authURL.isEmpty { throw missing("no auth URL (OS_AUTH_URL, clouds.yaml auth.auth_url or openstack_auth_url)") }
        switch (resolvedIdentityVersion, resolvedAuthType) {
        case (.v2, .applicationCredential):
            throw OpenStackError(code: .invalidCredentials, message: "application credentials need Keystone v3, but the auth URL or identity_api_version says v2.0",
                                 service: "identity")
        case (.v2, .password):
            if username == nil { throw missing("no username (OS_USERNAME or openstack_username)") }
            if password == nil { throw missing("no password (OS_PASSWORD or openstack_api_key)") }
        case (.v3, .password):
            if username == nil && userID == nil { throw missing("no username or user id (OS_USERNAME / OS_USER_ID)") }
            if password == nil { throw missing("no password (OS_PASSWORD)") }
            if userID == nil && userDomainName == nil && userDomainID == nil {
                throw missing("a user name needs its domain (OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID, e.g. Default)")
            }
            if projectName != nil && projectID == nil && projectDomainName == nil && projectDomainID == nil {
                throw missing("a project name needs its domain (OS_PROJECT_DOMAIN_NAME or OS_PROJECT_DOMAIN_ID, e.g. Default)")
            }
        case (.v3, .applicationCredential):
            if applicationCredentialSecret == nil { throw missing("no application credential secret (OS_APPLICATION_CREDENTIAL_SECRET)") }
            if applicationCredentialID == nil {
                if applicationCredentialName == nil { throw missing("no application credential id or name (OS_APPLICATION_CREDENTIAL_ID)") }
                if username == nil && userID == nil { throw missing("an application credential name needs its user (OS_USERNAME or OS_USER_ID)") }
            }
        }
    }

    /// A summary without secrets: version, method, URL, user, project, region.
    public var description: String {
        var parts = ["keystone v\(resolvedIdentityVersion.rawValue)", resolvedAuthType.rawValue, authURL]
        if let name = username ?? userID { parts.append("user \(name)") }
        if let project = projectName ?? projectID { parts.append("project \(project)") }
        if let id = applicationCredentialID ?? applicationCredentialName { parts.append("application credential \(id)") }
        if let regionName { parts.append("region \(regionName)") }
        return "Credentials(" + parts.joined(separator: ", ") + ")"
    }
}
