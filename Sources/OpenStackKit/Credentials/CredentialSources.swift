import Foundation

extension CredentialFields {
    /// The `OS_*` variables of `environment` (`OS_AUTH_URL`, `OS_USERNAME`, `OS_PASSWORD`,
    /// `OS_PROJECT_NAME`/`OS_TENANT_NAME`, domains, `OS_APPLICATION_CREDENTIAL_*`,
    /// `OS_REGION_NAME`, `OS_INTERFACE`/`OS_ENDPOINT_TYPE`, `OS_AUTH_TYPE`,
    /// `OS_IDENTITY_API_VERSION`, ...).
    public static func environment(_ environment: [String: String]) throws -> CredentialFields {
        var fields = CredentialFields()
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("OS_") {
            try fields.set(key: String(name.dropFirst(3)).lowercased(), value: value)
        }
        return fields
    }

    /// The original power_mitten's `~/.power_mitten` YAML mapping: `openstack_auth_url`,
    /// `openstack_tenant`, `openstack_username`, `openstack_api_key` (the password).
    /// A v3 auth URL with no domain given uses the `default` domain for user and project.
    /// Returns nil when the file does not exist.
    public static func powerMitten(at path: String) throws -> CredentialFields? {
        guard let mapping = try YAMLFile.mapping(at: path) else { return nil }
        var fields = CredentialFields()
        let keys = ["openstack_auth_url": "auth_url", "openstack_tenant": "project_name",
                    "openstack_username": "username", "openstack_api_key": "password",
                    "openstack_region": "region_name"]
        for (theirs, ours) in keys {
            if let value = YAMLFile.scalar(mapping[theirs]) { try fields.set(key: ours, value: value) }
        }
        if let url = fields.authURL, !url.lowercased().contains("/v2.0") {
            fields.userDomainID = fields.userDomainID ?? "default"
            fields.projectDomainID = fields.projectDomainID ?? "default"
        }
        return fields.isEmpty ? nil : fields
    }
}

extension Credentials {
    /// Where credentials are looked for; the defaults are the standard locations.
    public struct SearchPaths: Sendable {
        /// Directories searched, in order, for `clouds.yaml` and `secure.yaml`.
        public var cloudsDirectories: [String]
        /// The legacy power_mitten file.
        public var powerMittenFile: String

        /// `./`, `~/.config/openstack/`, `/etc/openstack/` and `~/.power_mitten`.
        public init(home: String = NSHomeDirectory(), workingDirectory: String = FileManager.default.currentDirectoryPath) {
            cloudsDirectories = [workingDirectory, home + "/.config/openstack", "/etc/openstack"]
            powerMittenFile = home + "/.power_mitten"
        }

        /// Explicit paths (for tests).
        public init(cloudsDirectories: [String], powerMittenFile: String) {
            self.cloudsDirectories = cloudsDirectories
            self.powerMittenFile = powerMittenFile
        }
    }

    /// Resolves credentials with the documented precedence (docs/credentials.md):
    ///
    /// 1. `flags` (command-line options),
    /// 2. `OS_*` variables in `environment`,
    /// 3. the cloud named by `cloud` (`--os-cloud`) or `OS_CLOUD` in the first
    ///    `clouds.yaml` found (`OS_CLIENT_CONFIG_FILE`, then the search directories),
    ///    with the same cloud in `secure.yaml` merged under it,
    /// 4. `~/.power_mitten`, only when nothing above gave an auth URL.
    ///
    /// Each field comes from the highest source that sets it.
    public static func resolve(flags: CredentialFields = CredentialFields(), cloud: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               searchPaths: SearchPaths = SearchPaths()) throws -> Credentials {
        var fields = flags.layered(over: try CredentialFields.environment(environment))
        if let name = cloud ?? environment["OS_CLOUD"], !name.isEmpty {
            let config = try CloudsConfiguration.load(directories: searchPaths.cloudsDirectories,
                                                      explicitFile: environment["OS_CLIENT_CONFIG_FILE"])
            fields = fields.layered(over: try config.fields(forCloud: name))
        }
        if fields.authURL == nil, let legacy = try CredentialFields.powerMitten(at: searchPaths.powerMittenFile) {
            fields = fields.layered(over: legacy)
        }
        guard let authURL = fields.authURL else {
            throw OpenStackError(code: .invalidCredentials,
                                 message: "no OpenStack credentials found: set OS_AUTH_URL and friends (source your openrc), name a cloud from clouds.yaml with --os-cloud or OS_CLOUD, or write ~/.power_mitten (see docs/credentials.md)",
                                 service: "identity")
        }
        let credentials = Credentials(fields: fields, authURL: authURL)
        try credentials.validate()
        return credentials
    }

    /// Builds credentials from a complete set of fields.
    public init(fields: CredentialFields, authURL: String) {
        self.init(authURL: authURL, authType: fields.authType, identityAPIVersion: fields.identityAPIVersion,
                  username: fields.username, userID: fields.userID, password: fields.password,
                  userDomainName: fields.userDomainName, userDomainID: fields.userDomainID,
                  projectName: fields.projectName, projectID: fields.projectID,
                  projectDomainName: fields.projectDomainName, projectDomainID: fields.projectDomainID,
                  applicationCredentialID: fields.applicationCredentialID,
                  applicationCredentialName: fields.applicationCredentialName,
                  applicationCredentialSecret: fields.applicationCredentialSecret,
                  regionName: fields.regionName, interface: fields.interface ?? .public)
    }
}
