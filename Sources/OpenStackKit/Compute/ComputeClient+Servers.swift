import Foundation
import Logging
import NIOHTTP1

extension ComputeClient {
    /// Creates a server and returns its id. `user_data` is checked against Nova's limit
    /// before anything is sent. The POST is not idempotent, so it is never re-sent after
    /// it may have reached Nova; with `recoverByName` (the default) a failure that may
    /// have happened after Nova acted (connection lost, timeout, 5xx) is resolved by
    /// looking the server up by its exact name: if it exists it is returned, else the
    /// create is tried once more. Names must then be unique, as mitten's are.
    public func createServer(_ request: ServerCreateRequest, recoverByName: Bool = true) async throws -> CreatedServer {
        if let userData = request.server.userData { try UserData.check(encoded: userData) }
        var request = request
        if request.server.networks == nil, let version = try await microversion(), version >= .networksRequired {
            request.server.networks = ServerCreate.Networks.none
        }
        let body = try OpenStackClient.encode(request)
        do {
            return try await decode(CreatedServerEnvelope.self, "/servers", method: .POST, body: body).server
        } catch let error as OpenStackError where recoverByName && Self.mayHaveReachedServer(error) {
            client.logger.debug("server create outcome unknown; looking it up by name",
                                metadata: ["openstack.compute.server": "\(request.server.name)"])
            if let existing = try await servers(named: .exactly(request.server.name)).first {
                return CreatedServer(id: existing.id)
            }
            return try await decode(CreatedServerEnvelope.self, "/servers", method: .POST, body: body).server
        }
    }

    static func mayHaveReachedServer(_ error: OpenStackError) -> Bool {
        if error.code == .connection || error.code == .timeout { return true }
        if let status = error.status, status >= 500 { return true }
        return false
    }

    /// The server with this id.
    public func server(id: String) async throws -> Server {
        try await decode(ServerEnvelope.self, "/servers/\(Self.escapePath(id))").server
    }

    /// Servers whose whole name matches `name` and whose metadata holds every pair of
    /// `metadata` (checked here: Nova has no metadata filter for servers), following
    /// pagination. Sent as `GET /servers/detail?name=^...$`.
    public func servers(named name: ServerNameFilter? = nil, metadata: [String: String] = [:],
                        status: String? = nil) async throws -> [Server] {
        var query: [(String, String)] = []
        if let name { query.append(("name", name.pattern)) }
        if let status { query.append(("status", status)) }
        var all: [Server] = []
        var marker: String?
        repeat {
            var pageQuery = query
            if let marker { pageQuery.append(("marker", marker)) }
            let page = try await decode(ServerList.self, "/servers/detail", query: pageQuery)
            all += page.servers
            marker = page.servers.isEmpty ? nil : Self.nextMarker(page.serversLinks)
        } while marker != nil
        return all.filter { server in
            (name?.matches(server.name) ?? true) && metadata.allSatisfy { server.metadata[$0.key] == $0.value }
        }
    }

    /// The `marker` of a `rel: next` link, if any.
    static func nextMarker(_ links: [Link]?) -> String? {
        guard let next = links?.first(where: { $0.rel == "next" }),
              let items = URLComponents(string: next.href)?.queryItems else { return nil }
        return items.first(where: { $0.name == "marker" })?.value
    }

    /// Deletes a server (Nova answers 204 and deletes asynchronously; see
    /// `waitForServerDeletion`). A server already gone is not an error.
    public func deleteServer(id: String) async throws {
        do {
            _ = try await send(.DELETE, "/servers/\(Self.escapePath(id))")
        } catch let error as OpenStackError where error.status == 404 {}
    }
}
