import Foundation
public import Logging
import NIOHTTP1

/// Gets a token from Keystone for a set of `Credentials`: v2.0 password, v3 password
/// (user and project by name or id, with domains) or v3 application credential.
public struct KeystoneAuthenticator: Sendable {
    /// The credentials used.
    public let credentials: Credentials
    private let transport: OpenStackTransport

    /// Creates an authenticator; nothing is sent until `authenticate`.
    public init(credentials: Credentials, transport: OpenStackTransport) {
        self.credentials = credentials
        self.transport = transport
    }

    /// Requests a new token. A refusal (401) is `authenticationFailed` with Keystone's
    /// message verbatim. The POST is retried only when the connection could not be opened
    /// or the server refused without acting (429/413), as `RetryPolicy` says; a token
    /// request is otherwise harmless to repeat, so it is also marked idempotent.
    public func authenticate(logger: Logger) async throws -> Token {
        try credentials.validate()
        let body = try Self.requestBody(for: credentials)
        let request = OpenStackRequest(method: .POST, url: credentials.tokenURL, body: body, service: "identity",
                                       isIdempotent: true)
        let response = try await transport.send(request, logger: logger)
        transport.counter.recordAuthentication()
        switch credentials.resolvedIdentityVersion {
        case .v3:
            guard let subject = response.headers.first(name: "x-subject-token") else {
                throw OpenStackError(code: .invalidResponse, message: "Keystone answered without an X-Subject-Token header",
                                     status: response.status, service: "identity", requestID: response.requestID)
            }
            return try Self.token(v3Body: response.body, subjectToken: subject)
        case .v2:
            return try Self.token(v2Body: response.body)
        }
    }

    /// The JSON body of the token request for `credentials`.
    public static func requestBody(for credentials: Credentials) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        switch credentials.resolvedIdentityVersion {
        case .v2:
            let auth = KeystoneV2.Auth(tenantName: credentials.projectID == nil ? credentials.projectName : nil,
                                       tenantId: credentials.projectID,
                                       passwordCredentials: .init(username: credentials.username ?? "",
                                                                  password: credentials.password ?? Secret("")))
            return Array(try encoder.encode(KeystoneV2.AuthRequest(auth: auth)))
        case .v3:
            return Array(try encoder.encode(KeystoneV3.AuthRequest(auth: v3Auth(credentials))))
        }
    }

    static func v3Auth(_ c: Credentials) -> KeystoneV3.Auth {
        func domain(id: String?, name: String?) -> KeystoneV3.DomainReference? {
            if let id { return .init(id: id) }
            if let name { return .init(name: name) }
            return nil
        }
        let user = KeystoneV3.UserReference(id: c.userID, name: c.userID == nil ? c.username : nil,
                                            domain: c.userID == nil ? domain(id: c.userDomainID, name: c.userDomainName) : nil)
        switch c.resolvedAuthType {
        case .applicationCredential:
            let method = KeystoneV3.ApplicationCredentialMethod(
                id: c.applicationCredentialID,
                name: c.applicationCredentialID == nil ? c.applicationCredentialName : nil,
                user: c.applicationCredentialID == nil ? user : nil,
                secret: c.applicationCredentialSecret ?? Secret(""))
            return .init(identity: .init(methods: ["application_credential"], applicationCredential: method))
        case .password:
            var withPassword = user
            withPassword.password = c.password
            var scope: KeystoneV3.Scope?
            if let id = c.projectID {
                scope = .init(project: .init(id: id))
            } else if let name = c.projectName {
                scope = .init(project: .init(name: name, domain: domain(id: c.projectDomainID, name: c.projectDomainName)))
            }
            return .init(identity: .init(methods: ["password"], password: .init(user: withPassword)), scope: scope)
        }
    }

    /// The token in a v3 answer: the body's details plus the `X-Subject-Token` header.
    public static func token(v3Body body: [UInt8], subjectToken: String) throws -> Token {
        let decoded: KeystoneV3.TokenResponse
        do { decoded = try JSONDecoder().decode(KeystoneV3.TokenResponse.self, from: Data(body)) } catch {
            throw OpenStackError(code: .invalidResponse, message: "cannot read Keystone's v3 token response: \(error)",
                                 service: "identity", underlying: error)
        }
        guard let expires = KeystoneDate.parse(decoded.token.expiresAt) else {
            throw OpenStackError(code: .invalidResponse, message: "cannot read the token expiry \"\(decoded.token.expiresAt)\"", service: "identity")
        }
        return Token(id: Secret(subjectToken), expiresAt: expires, issuedAt: decoded.token.issuedAt.flatMap(KeystoneDate.parse),
                     projectID: decoded.token.project?.id, projectName: decoded.token.project?.name,
                     userID: decoded.token.user?.id, catalog: ServiceCatalog(services: decoded.token.catalog ?? []))
    }

    /// The token in a v2.0 answer.
    public static func token(v2Body body: [UInt8]) throws -> Token {
        let decoded: KeystoneV2.AccessResponse
        do { decoded = try JSONDecoder().decode(KeystoneV2.AccessResponse.self, from: Data(body)) } catch {
            throw OpenStackError(code: .invalidResponse, message: "cannot read Keystone's v2.0 token response: \(error)",
                                 service: "identity", underlying: error)
        }
        let token = decoded.access.token
        guard let expires = KeystoneDate.parse(token.expires) else {
            throw OpenStackError(code: .invalidResponse, message: "cannot read the token expiry \"\(token.expires)\"", service: "identity")
        }
        return Token(id: token.id, expiresAt: expires, issuedAt: token.issuedAt.flatMap(KeystoneDate.parse),
                     projectID: token.tenant?.id, projectName: token.tenant?.name, userID: decoded.access.user?.id,
                     catalog: ServiceCatalog(services: (decoded.access.serviceCatalog ?? []).map(\.v3Service)))
    }
}
