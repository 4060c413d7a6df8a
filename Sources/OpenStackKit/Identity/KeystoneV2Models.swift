/// Keystone v2.0 request and response bodies (`POST /v2.0/tokens`), as the api-ref
/// documents them. Public so that an OpenStack-compatible server can reuse them.
public enum KeystoneV2 {
    /// `{"auth": {...}}`.
    public struct AuthRequest: Codable, Sendable, Equatable {
        /// The `auth` object.
        public var auth: Auth
        /// Creates a request.
        public init(auth: Auth) { self.auth = auth }
    }

    /// Tenant and password credentials.
    public struct Auth: Codable, Sendable, Equatable {
        /// Tenant (project) name.
        public var tenantName: String?
        /// Tenant (project) id.
        public var tenantId: String?
        /// User name and password.
        public var passwordCredentials: PasswordCredentials
        /// Creates an auth object.
        public init(tenantName: String? = nil, tenantId: String? = nil, passwordCredentials: PasswordCredentials) {
            self.tenantName = tenantName
            self.tenantId = tenantId
            self.passwordCredentials = passwordCredentials
        }
    }

    /// `{"username": ..., "password": ...}`.
    public struct PasswordCredentials: Codable, Sendable, Equatable {
        /// User name.
        public var username: String
        /// Password.
        public var password: Secret
        /// Creates password credentials.
        public init(username: String, password: Secret) {
            self.username = username
            self.password = password
        }
    }

    /// `{"access": {...}}`.
    public struct AccessResponse: Codable, Sendable, Equatable {
        /// The access object.
        public var access: Access
        /// Creates a response body.
        public init(access: Access) { self.access = access }
    }

    /// Token, catalog and user.
    public struct Access: Codable, Sendable, Equatable {
        /// The token.
        public var token: TokenBody
        /// The catalog, v2.0 style.
        public var serviceCatalog: [CatalogService]?
        /// The user.
        public var user: User?
        /// Creates an access object.
        public init(token: TokenBody, serviceCatalog: [CatalogService]? = nil, user: User? = nil) {
            self.token = token
            self.serviceCatalog = serviceCatalog
            self.user = user
        }
    }

    /// The token: id, expiry, tenant.
    public struct TokenBody: Codable, Sendable, Equatable {
        /// The token.
        public var id: Secret
        /// Expiry, ISO 8601.
        public var expires: String
        /// Issue time, ISO 8601.
        public var issuedAt: String?
        /// The tenant it is scoped to.
        public var tenant: Tenant?

        enum CodingKeys: String, CodingKey { case id, expires, issuedAt = "issued_at", tenant }

        /// Creates a token body.
        public init(id: Secret, expires: String, issuedAt: String? = nil, tenant: Tenant? = nil) {
            self.id = id
            self.expires = expires
            self.issuedAt = issuedAt
            self.tenant = tenant
        }
    }

    /// A tenant (project).
    public struct Tenant: Codable, Sendable, Equatable {
        /// Id.
        public var id: String
        /// Name.
        public var name: String?
        /// Creates a tenant.
        public init(id: String, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    /// The user.
    public struct User: Codable, Sendable, Equatable {
        /// Id.
        public var id: String
        /// Name.
        public var name: String?
        /// Creates a user.
        public init(id: String, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    /// A v2.0 catalog service: endpoints carry one URL per interface.
    public struct CatalogService: Codable, Sendable, Equatable {
        /// Service type.
        public var type: String
        /// Service name.
        public var name: String?
        /// Endpoints, one per region.
        public var endpoints: [CatalogEndpoint]
        /// Creates a catalog service.
        public init(type: String, name: String? = nil, endpoints: [CatalogEndpoint]) {
            self.type = type
            self.name = name
            self.endpoints = endpoints
        }
    }

    /// A v2.0 endpoint: `publicURL`, `internalURL`, `adminURL` in one region.
    public struct CatalogEndpoint: Codable, Sendable, Equatable {
        /// Endpoint id.
        public var id: String?
        /// Region.
        public var region: String?
        /// Public URL.
        public var publicURL: String?
        /// Internal URL.
        public var internalURL: String?
        /// Admin URL.
        public var adminURL: String?
        /// Creates an endpoint.
        public init(id: String? = nil, region: String? = nil, publicURL: String? = nil, internalURL: String? = nil, adminURL: String? = nil) {
            self.id = id
            self.region = region
            self.publicURL = publicURL
            self.internalURL = internalURL
            self.adminURL = adminURL
        }
    }
}

extension KeystoneV2.CatalogService {
    /// The same service in the v3 catalog shape: one endpoint per interface.
    public var v3Service: ServiceCatalog.Service {
        let endpoints = endpoints.flatMap { endpoint -> [ServiceCatalog.Endpoint] in
            let pairs: [(EndpointInterface, String?)] = [(.public, endpoint.publicURL), (.internal, endpoint.internalURL), (.admin, endpoint.adminURL)]
            return pairs.compactMap { interface, url in
                url.map { ServiceCatalog.Endpoint(id: endpoint.id, interface: interface, region: endpoint.region, url: $0) }
            }
        }
        return ServiceCatalog.Service(type: type, name: name, endpoints: endpoints)
    }
}
