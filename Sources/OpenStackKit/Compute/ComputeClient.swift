import Foundation
import Logging
import NIOHTTP1

/// Nova (compute API v2.1 with microversions): flavors, servers, keypairs, server
/// groups and limits. Get one from `OpenStackClient.compute`.
public struct ComputeClient: Sendable {
    let client: OpenStackClient
    static let service = "compute"

    init(client: OpenStackClient) { self.client = client }

    /// The microversion in use: the configured one lowered to Nova's maximum, or nil
    /// for a compute API without microversions (then no version header is sent).
    public func microversion() async throws -> ComputeMicroversion? {
        try await client.microversion.version { [client] in
            do {
                let response = try await client.send(service: Self.service, method: .GET, path: "/")
                return try? JSONDecoder().decode(ComputeVersionDocument.self, from: Data(response.body))
            } catch let error as OpenStackError where error.status == 404 {
                return nil
            }
        }
    }

    /// Sends a compute request with the microversion headers (a read with the requested
    /// version until the negotiated one is known); a 406 naming the server's maximum
    /// lowers the version once and retries.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
              isIdempotent: Bool? = nil) async throws -> OpenStackResponse {
        var loweredOnce = false
        while true {
            var headers = HTTPHeaders()
            // Reads do not wait for the version document (one round trip less before
            // the first listing); writes, whose shape depends on it, do.
            let version = method == .GET ? await client.microversion.optimistic() : try await microversion()
            if let version {
                headers.add(name: "OpenStack-API-Version", value: "compute \(version)")
                headers.add(name: "X-OpenStack-Nova-API-Version", value: "\(version)")
            }
            do {
                return try await client.send(service: Self.service, method: method, path: path, query: query, body: body,
                                             headers: headers, isIdempotent: isIdempotent)
            } catch let error as OpenStackError where error.status == 406 && !loweredOnce {
                guard let maximum = ComputeMicroversion.maximum(inRefusal: error.message) else {
                    throw OpenStackError(code: .microversionUnsupported, message: error.message, status: 406,
                                         service: Self.service, requestID: error.requestID)
                }
                client.logger.debug("compute microversion lowered", metadata: ["openstack.compute.microversion": "\(maximum)"])
                await client.microversion.lower(to: maximum)
                loweredOnce = true
            }
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ path: String, method: HTTPMethod = .GET, query: [(String, String)] = [],
                              body: [UInt8]? = nil, isIdempotent: Bool? = nil) async throws -> T {
        let response = try await send(method, path, query: query, body: body, isIdempotent: isIdempotent)
        return try OpenStackClient.decode(type, from: response, service: Self.service)
    }

    /// Every flavor with its sizes (`GET /flavors/detail`).
    public func flavors() async throws -> [Flavor] {
        try await decode(FlavorList.self, "/flavors/detail").flavors
    }

    /// The flavor named `name` (or with that id); `notFound` listing the names otherwise.
    public func flavor(named name: String) async throws -> Flavor {
        let all = try await flavors()
        if let found = all.first(where: { $0.name == name }) ?? all.first(where: { $0.id == name }) { return found }
        throw OpenStackError(code: .notFound, message: "no flavor named \"\(name)\"; flavors: \(all.map(\.name).sorted().joined(separator: ", "))",
                             service: Self.service)
    }

    /// The project's absolute limits (quotas and usage), for checks before creating servers.
    public func limits() async throws -> AbsoluteLimits {
        try await decode(LimitsEnvelope.self, "/limits").limits.absolute
    }

    /// The keypair named `name`.
    public func keypair(named name: String) async throws -> Keypair {
        try await decode(KeypairEnvelope.self, "/os-keypairs/\(Self.escapePath(name))").keypair
    }

    /// Deletes the keypair named `name`.
    public func deleteKeypair(named name: String) async throws {
        _ = try await send(.DELETE, "/os-keypairs/\(Self.escapePath(name))")
    }

    /// Makes sure keypair `name` holds `publicKey`: a missing one is imported and its
    /// fingerprint checked; an existing keypair (Nova answers the import with 409) with
    /// the same fingerprint is returned as is, one with another key is
    /// `fingerprintMismatch` (nothing is overwritten). One round trip when the keypair
    /// is missing, two when it exists.
    public func importKeypair(name: String, publicKey: String) async throws -> Keypair {
        guard let local = Keypair.fingerprint(ofPublicKey: publicKey) else {
            throw OpenStackError(code: .badRequest, message: "the public key for keypair \"\(name)\" is not an OpenSSH public key line (TYPE BASE64 [comment])",
                                 service: Self.service)
        }
        var keypair = Keypair(name: name, publicKey: publicKey)
        if let version = try await microversion(), version >= .keypairType { keypair.type = "ssh" }
        let created: Keypair
        do {
            created = try await decode(KeypairEnvelope.self, "/os-keypairs", method: .POST,
                                       body: OpenStackClient.encode(KeypairEnvelope(keypair: keypair))).keypair
        } catch let error as OpenStackError where error.status == 409 {
            let existing = try await self.keypair(named: name)
            try Self.checkFingerprint(existing, expected: local)
            return existing
        }
        try Self.checkFingerprint(created, expected: local)
        return created
    }

    static func checkFingerprint(_ keypair: Keypair, expected: String) throws {
        guard let fingerprint = keypair.fingerprint, fingerprint != expected else { return }
        throw OpenStackError(code: .fingerprintMismatch,
                             message: "keypair \"\(keypair.name)\" in Nova has fingerprint \(fingerprint) but the local public key has \(expected): delete the keypair in Nova or use another key name",
                             service: service)
    }

    /// Creates a server group with `policy` (e.g. `anti-affinity`).
    public func createServerGroup(name: String, policy: String = "anti-affinity") async throws -> ServerGroup {
        let version = try await microversion()
        let group = (version ?? ComputeMicroversion(2, 1)) >= .serverGroupPolicy
            ? ServerGroupCreateRequest.Group(name: name, policy: policy)
            : ServerGroupCreateRequest.Group(name: name, policies: [policy])
        return try await decode(ServerGroupEnvelope.self, "/os-server-groups", method: .POST,
                                body: OpenStackClient.encode(ServerGroupCreateRequest(serverGroup: group))).serverGroup
    }

    /// The project's server groups.
    public func serverGroups() async throws -> [ServerGroup] {
        try await decode(ServerGroupList.self, "/os-server-groups").serverGroups
    }

    /// Deletes a server group.
    public func deleteServerGroup(id: String) async throws {
        _ = try await send(.DELETE, "/os-server-groups/\(Self.escapePath(id))")
    }

    static func escapePath(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

extension OpenStackClient {
    /// The compute (Nova) client.
    public var compute: ComputeClient { ComputeClient(client: self) }
}
