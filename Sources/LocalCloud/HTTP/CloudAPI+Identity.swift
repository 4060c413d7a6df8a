import Foundation

extension CloudAPI {
    static let region = "RegionOne"

    /// The services of the catalog: (type, name, URL).
    private var services: [(type: String, name: String, url: String)] {
        let base = baseURL
        return [("identity", "keystone", "\(base)/identity"), ("compute", "nova", "\(base)/compute/v2.1"),
                ("network", "neutron", "\(base)/network"), ("image", "glance", "\(base)/image")]
    }

    /// Keystone: `POST v3/auth/tokens`, `GET v3/auth/tokens`, `POST v2.0/tokens`.
    func identity(_ request: APIRequest) async throws -> APIResponse {
        switch (request.method, request.path) {
        case ("POST", ["v3", "auth", "tokens"]): return try await issueV3(request)
        case ("GET", ["v3", "auth", "tokens"]), ("HEAD", ["v3", "auth", "tokens"]):
            guard let token = request.headers["x-auth-token"], await tokens.isValid(token),
                  let subject = request.headers["x-subject-token"], await tokens.isValid(subject) else {
                throw APIFault.unauthorized(.identity)
            }
            return .empty(200)
        case ("POST", ["v2.0", "tokens"]): return try await issueV2(request)
        default: throw APIFault(.identity, 404, "The resource could not be found.")
        }
    }

    private func issueV3(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.jsonObject()
        guard let auth = body["auth"] as? [String: Any], let identity = auth["identity"] as? [String: Any],
              let methods = identity["methods"] as? [String], let method = methods.first else {
            throw APIFault(.identity, 400, "Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
        }
        let c = credentials
        switch method {
        case "password":
            guard let password = identity["password"] as? [String: Any], let user = password["user"] as? [String: Any] else {
                throw APIFault(.identity, 400, "Expecting to find password in identity.")
            }
            let nameMatches = (user["name"] as? String) == c.username && domainMatches(user["domain"])
            guard nameMatches || (user["id"] as? String) == c.userID, (user["password"] as? String) == c.password else {
                throw APIFault.unauthorized(.identity)
            }
        case "application_credential":
            guard let credential = identity["application_credential"] as? [String: Any] else {
                throw APIFault(.identity, 400, "Expecting to find application_credential in identity.")
            }
            let byID = (credential["id"] as? String) == c.applicationCredentialID
            let byName = (credential["name"] as? String) == c.applicationCredentialName
            guard byID || byName, (credential["secret"] as? String) == c.applicationCredentialSecret else {
                throw APIFault.unauthorized(.identity)
            }
        case "token":
            guard let token = (identity["token"] as? [String: Any])?["id"] as? String, await tokens.isValid(token) else {
                throw APIFault.unauthorized(.identity)
            }
        default:
            throw APIFault.unauthorized(.identity)
        }
        if let project = (auth["scope"] as? [String: Any])?["project"] as? [String: Any] {
            let matches = (project["id"] as? String) == c.projectID || ((project["name"] as? String) == c.projectName && domainMatches(project["domain"]))
            guard matches else { throw APIFault.unauthorized(.identity) }
        }
        let token = await tokens.issue()
        let domain: [String: Any] = ["id": c.domainID, "name": c.domainName]
        let catalog: [[String: Any]] = services.map { service in
            ["type": service.type, "name": service.name, "id": service.type + "-service",
             "endpoints": ["public", "internal", "admin"].map { interface in
                 ["id": "\(service.type)-\(interface)", "interface": interface, "region": Self.region, "region_id": Self.region, "url": service.url]
             }]
        }
        var tokenBody: [String: Any] = [
            "methods": [method], "expires_at": openStackTimeMicro(token.expires), "issued_at": openStackTimeMicro(token.issued),
            "audit_ids": [String(randomHex(11).prefix(22))], "is_domain": false,
            "user": ["id": c.userID, "name": c.username, "domain": domain, "password_expires_at": NSNull()],
            "project": ["id": c.projectID, "name": c.projectName, "domain": domain],
            "roles": [["id": "member-role", "name": "member"], ["id": "reader-role", "name": "reader"]],
            "catalog": catalog,
        ]
        if method == "application_credential" {
            tokenBody["application_credential"] = ["id": c.applicationCredentialID, "name": c.applicationCredentialName, "restricted": true]
        }
        var response = APIResponse.object(["token": tokenBody], status: 201)
        response.headers.append(("X-Subject-Token", token.id))
        return response
    }

    private func domainMatches(_ value: Any?) -> Bool {
        guard let domain = value as? [String: Any] else { return true }
        return (domain["id"] as? String).map { $0 == credentials.domainID } ?? (domain["name"] as? String).map { $0 == credentials.domainName } ?? true
    }

    private func issueV2(_ request: APIRequest) async throws -> APIResponse {
        let body = try request.jsonObject()
        guard let auth = body["auth"] as? [String: Any], let password = auth["passwordCredentials"] as? [String: Any] else {
            throw APIFault(.identity, 400, "Expecting to find passwordCredentials in auth.")
        }
        let c = credentials
        guard (password["username"] as? String) == c.username, (password["password"] as? String) == c.password else {
            throw APIFault.unauthorized(.identity)
        }
        if let tenant = auth["tenantName"] as? String, tenant != c.projectName { throw APIFault.unauthorized(.identity) }
        if let tenant = auth["tenantId"] as? String, tenant != c.projectID { throw APIFault.unauthorized(.identity) }
        let token = await tokens.issue()
        let tenant: [String: Any] = ["id": c.projectID, "name": c.projectName, "enabled": true, "description": NSNull()]
        let catalog: [[String: Any]] = services.map { service in
            ["type": service.type, "name": service.name, "endpoints_links": [],
             "endpoints": [["id": service.type + "-endpoint", "region": Self.region, "publicURL": service.url,
                            "internalURL": service.url, "adminURL": service.url]]]
        }
        return .object(["access": [
            "token": ["id": token.id, "issued_at": openStackTimeMicro(token.issued), "expires": openStackTime(token.expires),
                      "tenant": tenant, "audit_ids": [String(randomHex(11).prefix(22))]],
            "serviceCatalog": catalog,
            "user": ["id": c.userID, "name": c.username, "username": c.username, "roles_links": [], "roles": [["name": "member"]]],
            "metadata": ["is_admin": 0, "roles": ["member-role"]],
        ]])
    }
}

/// Keystone's token times: `2026-11-29T05:05:57.000000Z`.
func openStackTimeMicro(_ date: Date) -> String {
    openStackTime(date).replacingOccurrences(of: "Z", with: ".000000Z")
}
