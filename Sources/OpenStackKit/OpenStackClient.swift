public import AsyncHTTPClient
import Foundation
public import Logging
public import NIOHTTP1

/// The entry point: credentials, one transport, one token cache, and the service
/// clients (`compute`, `network`, `image`) that share them.
///
/// Every service request carries the cached token; a 401 drops that token, makes one
/// new authentication (shared by every caller that saw the 401) and retries the request
/// once. Call `shutdown()` when done.
public final class OpenStackClient: Sendable {
    /// Client settings.
    public struct Configuration: Sendable {
        /// HTTP transport settings (timeouts, retries, connection reuse).
        public var transport = OpenStackTransport.Configuration()
        /// How early tokens are renewed (at least 2 minutes).
        public var tokenRenewalMargin: Duration = .seconds(120)
        /// The compute microversion requested (negotiated down to what Nova offers).
        public var computeMicroversion = ComputeMicroversion.preferred
        /// Endpoint overrides by service type (e.g. `["compute": "http://127.0.0.1:8774/v2.1"]`),
        /// used instead of the catalog's.
        public var endpointOverrides: [String: String] = [:]
        /// Creates the default configuration.
        public init() {}
    }

    /// The credentials in use.
    public let credentials: Credentials
    /// The transport (its `counter` is the "OS Reqs" figure).
    public let transport: OpenStackTransport
    /// The token cache.
    public let tokens: TokenCache
    /// The settings.
    public let configuration: Configuration
    let logger: Logger
    let microversion: MicroversionNegotiator

    /// Creates a client; nothing is sent until the first request. With `httpClient`
    /// (e.g. `.shared` in a short-lived command) requests go through that client, which
    /// the caller owns; otherwise the client makes its own and `shutdown()` ends it.
    public init(credentials: Credentials, configuration: Configuration = Configuration(), logger: Logger,
                counter: RequestCounter = RequestCounter(), now: @escaping @Sendable () -> Date = { Date() },
                httpClient: HTTPClient? = nil) {
        self.credentials = credentials
        self.configuration = configuration
        self.logger = logger
        let transport = httpClient.map { OpenStackTransport(client: $0, configuration: configuration.transport, counter: counter) }
            ?? OpenStackTransport(configuration: configuration.transport, counter: counter)
        self.transport = transport
        let authenticator = KeystoneAuthenticator(credentials: credentials, transport: transport)
        self.tokens = TokenCache(renewalMargin: configuration.tokenRenewalMargin, now: now) {
            try await authenticator.authenticate(logger: logger)
        }
        self.microversion = MicroversionNegotiator(requested: configuration.computeMicroversion)
    }

    /// Shuts the transport down.
    public func shutdown() async throws { try await transport.shutdown() }

    /// Requests sent so far (the console's "OS Reqs").
    public var requestCount: Int { transport.counter.requests }

    /// A current token (authenticating if needed).
    public func token() async throws -> Token { try await tokens.token() }

    /// The base URL of service `type` from the catalog (interface and region from the
    /// credentials), or its override.
    public func endpoint(for type: String) async throws -> String {
        if let override = configuration.endpointOverrides[type] { return override }
        let token = try await tokens.token()
        return try token.catalog.endpoint(type: type, interface: credentials.interface, region: credentials.regionName)
    }

    /// Sends an authenticated request to service `type` at `path` (appended to the
    /// endpoint), handling a 401 with one re-authentication and retry.
    public func send(service type: String, method: HTTPMethod, path: String, query: [(String, String)] = [],
                     body: [UInt8]? = nil, headers: HTTPHeaders = [:], isIdempotent: Bool? = nil) async throws -> OpenStackResponse {
        let base = try await endpoint(for: type)
        let url = Self.url(base: base, path: path, query: query)
        var retriedAfter401 = false
        while true {
            let token = try await tokens.token()
            var request = OpenStackRequest(method: method, url: url, headers: headers, body: body, service: type,
                                           isIdempotent: isIdempotent)
            request.headers.replaceOrAdd(name: "X-Auth-Token", value: token.id.revealed)
            do {
                return try await transport.send(request, logger: logger)
            } catch let error as OpenStackError where error.status == 401 && !retriedAfter401 {
                logger.debug("token rejected; authenticating again", metadata: ["openstack.service": "\(type)"])
                await tokens.reject(token)
                retriedAfter401 = true
            }
        }
    }

    /// An authenticated GET of `path` on service `type` (see `send`).
    public func get(service type: String, path: String, query: [(String, String)] = []) async throws -> OpenStackResponse {
        try await send(service: type, method: .GET, path: path, query: query)
    }

    /// Sends a request and decodes a JSON answer.
    func decode<T: Decodable>(_ type: T.Type, service: String, method: HTTPMethod = .GET, path: String,
                              query: [(String, String)] = [], body: [UInt8]? = nil, headers: HTTPHeaders = [:],
                              isIdempotent: Bool? = nil) async throws -> T {
        let response = try await send(service: service, method: method, path: path, query: query, body: body,
                                      headers: headers, isIdempotent: isIdempotent)
        return try Self.decode(type, from: response, service: service)
    }

    static func decode<T: Decodable>(_ type: T.Type, from response: OpenStackResponse, service: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(response.body)) } catch {
            throw OpenStackError(code: .invalidResponse, message: "cannot read \(service)'s answer as \(T.self): \(error)",
                                 status: response.status, service: service, requestID: response.requestID, underlying: error)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    /// `base` + `path` + the percent-encoded query.
    static func url(base: String, path: String, query: [(String, String)]) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        url += path.hasPrefix("/") ? path : "/" + path
        guard !query.isEmpty else { return url }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let encoded = query.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }
        return url + "?" + encoded.joined(separator: "&")
    }
}
