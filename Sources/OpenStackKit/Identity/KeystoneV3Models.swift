/// Keystone v3 request and response bodies (`POST /v3/auth/tokens`), as the api-ref
/// documents them. Public so that an OpenStack-compatible server can reuse them.
public enum KeystoneV3 {
    /// `{"auth": {...}}`.
    public struct AuthRequest: Codable, Sendable, Equatable {
        /// The `auth` object.
        public var auth: Auth
        /// Creates a request.
        public init(auth: Auth) { self.auth = auth }
    }

    /// `identity` and optional `scope`.
    public struct Auth: Codable, Sendable, Equatable {
        /// How the caller proves who it is.
        public var identity: Identity
        /// What the token is scoped to (absent for application credentials).
        public var scope: Scope?
        /// Creates an auth object.
        public init(identity: Identity, scope: Scope? = nil) {
            self.identity = identity
            self.scope = scope
        }
    }

    /// `methods` plus the object of each method.
    public struct Identity: Codable, Sendable, Equatable {
        /// `["password"]` or `["application_credential"]`.
        public var methods: [String]
        /// The password method's object.
        public var password: PasswordMethod?
        /// The application credential method's object.
        public var applicationCredential: ApplicationCredentialMethod?

        enum CodingKeys: String, CodingKey { case methods, password, applicationCredential = "application_credential" }

        /// Creates an identity object.
        public init(methods: [String], password: PasswordMethod? = nil, applicationCredential: ApplicationCredentialMethod? = nil) {
            self.methods = methods
            self.password = password
            self.applicationCredential = applicationCredential
        }
    }

    /// `{"user": {...}}`.
    public struct PasswordMethod: Codable, Sendable, Equatable {
        /// The user and password.
        public var user: UserReference
        /// Creates a password method object.
        public init(user: UserReference) { self.user = user }
    }

    /// A user by id, or by name with its domain; with a password when authenticating.
    public struct UserReference: Codable, Sendable, Equatable {
        /// User id.
        public var id: String?
        /// User name.
        public var name: String?
        /// The user's domain (needed with a name).
        public var domain: DomainReference?
        /// The password.
        public var password: Secret?
        /// Creates a user reference.
        public init(id: String? = nil, name: String? = nil, domain: DomainReference? = nil, password: Secret? = nil) {
            self.id = id
            self.name = name
            self.domain = domain
            self.password = password
        }
    }

    /// A domain by id or name.
    public struct DomainReference: Codable, Sendable, Equatable {
        /// Domain id.
        public var id: String?
        /// Domain name.
        public var name: String?
        /// Creates a domain reference.
        public init(id: String? = nil, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    /// An application credential by id, or by name with its user; and its secret.
    public struct ApplicationCredentialMethod: Codable, Sendable, Equatable {
        /// Application credential id.
        public var id: String?
        /// Application credential name.
        public var name: String?
        /// The owning user (needed with a name).
        public var user: UserReference?
        /// The secret.
        public var secret: Secret
        /// Creates an application credential method object.
        public init(id: String? = nil, name: String? = nil, user: UserReference? = nil, secret: Secret) {
            self.id = id
            self.name = name
            self.user = user
            self.secret = secret
        }
    }

    /// `{"project": {...}}`.
    public struct Scope: Codable, Sendable, Equatable {
        /// The project.
        public var project: ProjectReference
        /// Creates a scope.
        public init(project: ProjectReference) { self.project = project }
    }

    /// A project by id, or by name with its domain.
    public struct ProjectReference: Codable, Sendable, Equatable {
        /// Project id.
        public var id: String?
        /// Project name.
        public var name: String?
        /// The project's domain.
        public var domain: DomainReference?
        /// Creates a project reference.
        public init(id: String? = nil, name: String? = nil, domain: DomainReference? = nil) {
            self.id = id
            self.name = name
            self.domain = domain
        }
    }

    /// `{"token": {...}}`: the body of a successful authentication (the token itself is
    /// in the `X-Subject-Token` header).
    public struct TokenResponse: Codable, Sendable, Equatable {
        /// The token's details.
        public var token: TokenBody
        /// Creates a response body.
        public init(token: TokenBody) { self.token = token }
    }

    /// The token's details.
    public struct TokenBody: Codable, Sendable, Equatable {
        /// Methods used.
        public var methods: [String]?
        /// Expiry, ISO 8601.
        public var expiresAt: String
        /// Issue time, ISO 8601.
        public var issuedAt: String?
        /// The user.
        public var user: NamedEntity?
        /// The project, for project-scoped tokens.
        public var project: NamedEntity?
        /// The service catalog.
        public var catalog: [ServiceCatalog.Service]?
        /// Roles on the project.
        public var roles: [NamedEntity]?
        /// Audit ids.
        public var auditIDs: [String]?

        enum CodingKeys: String, CodingKey {
            case methods, expiresAt = "expires_at", issuedAt = "issued_at", user, project, catalog, roles, auditIDs = "audit_ids"
        }

        /// Creates a token body.
        public init(methods: [String]? = nil, expiresAt: String, issuedAt: String? = nil, user: NamedEntity? = nil,
                    project: NamedEntity? = nil, catalog: [ServiceCatalog.Service]? = nil, roles: [NamedEntity]? = nil,
                    auditIDs: [String]? = nil) {
            self.methods = methods
            self.expiresAt = expiresAt
            self.issuedAt = issuedAt
            self.user = user
            self.project = project
            self.catalog = catalog
            self.roles = roles
            self.auditIDs = auditIDs
        }
    }

    /// An id and name, with a domain where the entity has one.
    public struct NamedEntity: Codable, Sendable, Equatable {
        /// Id.
        public var id: String
        /// Name.
        public var name: String?
        /// Domain.
        public var domain: DomainReference?
        /// Creates an entity.
        public init(id: String, name: String? = nil, domain: DomainReference? = nil) {
            self.id = id
            self.name = name
            self.domain = domain
        }
    }
}
