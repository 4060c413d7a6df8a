import Foundation
import Logging
import Synchronization

/// The HTTP API of the local cloud: one port, one path prefix per service.
///
/// `/identity` Keystone (v2.0, v3), `/compute/v2.1` Nova, `/network/v2.0` Neutron,
/// `/image/v2` Glance, `/metadata/<server id>/` the metadata service of one server.
final class CloudAPI: Sendable {
    let store: CloudStore
    let runtime: ServerRuntime
    let tokens: TokenStore
    let credentials: LocalCloudCredentials
    let configuration: LocalCloud.Configuration
    let logger: Logger
    private let base = Mutex("http://127.0.0.1:0")
    private let limiter: Mutex<RateLimiter?>
    private let started = ContinuousClock.now

    init(store: CloudStore, runtime: ServerRuntime, tokens: TokenStore, credentials: LocalCloudCredentials,
         configuration: LocalCloud.Configuration, logger: Logger) {
        self.store = store
        self.runtime = runtime
        self.tokens = tokens
        self.credentials = credentials
        self.configuration = configuration
        self.logger = logger
        limiter = Mutex(configuration.faults.rateLimitPerSecond.map { RateLimiter(perSecond: $0, burst: configuration.faults.rateLimitBurst) })
    }

    /// `http://127.0.0.1:PORT`, known once the server listens.
    var baseURL: String {
        get { base.withLock { $0 } }
        set { base.withLock { $0 = newValue } }
    }

    /// Answers one request; never throws (faults become error bodies).
    func respond(_ request: APIRequest) async -> APIResponse {
        var request = request
        var response: APIResponse
        do {
            response = try await route(&request)
        } catch let fault as APIFault {
            response = fault.response
        } catch {
            logger.error("request failed", metadata: ["localcloud.path": .string(request.path.joined(separator: "/")), "error": .string("\(error)")])
            response = APIFault(request.service, 500, "The local cloud failed: \(error)").response
        }
        response.headers.append(("X-Openstack-Request-Id", "req-" + newUUID()))
        if request.service == .compute {
            response.headers.append(("OpenStack-API-Version", "compute \(request.microversion)"))
            response.headers.append(("X-OpenStack-Nova-API-Version", "\(request.microversion)"))
            response.headers.append(("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version"))
        }
        return response
    }

    private func route(_ request: inout APIRequest) async throws -> APIResponse {
        if request.service == .metadata { return try await metadata(request) }
        if configuration.faults.apiLatency > 0 { try await Task.sleep(for: .seconds(configuration.faults.apiLatency)) }
        try admit(request)
        if request.service == .compute { request.microversion = try microversion(of: request) }
        if let versions = try versionDocument(request) { return versions }
        if request.service == .identity { return try await identity(request) }
        guard let token = request.headers["x-auth-token"], await tokens.isValid(token) else {
            throw APIFault.unauthorized(request.service)
        }
        switch request.service {
        case .compute: return try await compute(request)
        case .network: return try await network(request)
        case .image: return try await image(request)
        default: throw APIFault(request.service, 404, "The resource could not be found.")
        }
    }

    private func admit(_ request: APIRequest) throws {
        let now = (ContinuousClock.now - started) / .seconds(1)
        let decision = limiter.withLock { limiter -> RateLimiter.Decision in
            guard limiter != nil else { return .admit }
            return limiter!.admit(now: now)
        }
        if case .refuse(let retryAfter) = decision {
            let status = configuration.faults.rateLimitStatus
            throw APIFault(request.service, status, "This request was rate-limited.", neutronType: "OverQuota", retryAfter: retryAfter)
        }
    }

    private func microversion(of request: APIRequest) throws -> Microversion {
        var asked: String?
        if let header = request.headers["openstack-api-version"] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "compute" { asked = String(parts[1]) }
        }
        asked = asked ?? request.headers["x-openstack-nova-api-version"]
        guard let asked else { return .base }
        guard let version = Microversion(asked) else {
            throw APIFault(.compute, 400, "API Version String \(asked) is of invalid format. Must be of format MajorNum.MinorNum.")
        }
        guard version >= .base, version <= .maximum else {
            throw APIFault(.compute, 406, "Version \(version) is not supported by the API. Minimum is \(Microversion.base) and maximum is \(Microversion.maximum).")
        }
        return version
    }
}

/// The path's component at `index`, if any.
extension Array where Element == String {
    subscript(safe index: Int) -> String? { indices.contains(index) ? self[index] : nil }
}
