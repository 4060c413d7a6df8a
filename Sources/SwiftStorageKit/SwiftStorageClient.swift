public import AsyncHTTPClient
public import Logging
import NIOHTTP1
import NIOCore
import Foundation

/// A client of one Swift account: authenticates lazily, re-authenticates once on 401,
/// retries idempotent requests with capped backoff, and streams object bodies.
///
/// Operations live in extensions by concern: containers, objects (streamed, MD5 checked),
/// metadata, listings, large objects (SLO), TempURLs.
public final class SwiftStorageClient: Sendable {
    /// Settings with defaults.
    public struct Configuration: Sendable {
        /// Retries for 5xx answers and connection failures on idempotent requests.
        public var retry: RetryPolicy
        /// The deadline of one request, body transfer included.
        public var requestTimeout: TimeAmount
        /// When and how objects are uploaded as Static Large Objects.
        public var largeObjects: LargeObjectPolicy
        /// The size of the chunks read from files and sent.
        public var chunkSize: Int

        /// Creates a configuration; every value has a default.
        public init(retry: RetryPolicy = RetryPolicy(), requestTimeout: TimeAmount = .hours(6),
                    largeObjects: LargeObjectPolicy = LargeObjectPolicy(), chunkSize: Int = 1 << 20) {
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.largeObjects = largeObjects
            self.chunkSize = chunkSize
        }
    }

    /// How credentials are obtained.
    public let authenticator: any SwiftAuthenticator
    /// The HTTP client (shared, never shut down by this client).
    public let httpClient: HTTPClient
    /// The settings.
    public let configuration: Configuration
    let logger: Logger
    let sessions: SessionCache
    let clusterLimitsCache = LockedBox<ClusterLimits?>(nil)
    let sleep: @Sendable (Duration) async throws -> Void

    /// Creates a client. `sleep` waits between retries (injected so tests need not wait).
    public init(authenticator: any SwiftAuthenticator, httpClient: HTTPClient = .shared,
                configuration: Configuration = Configuration(), logger: Logger,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.authenticator = authenticator
        self.httpClient = httpClient
        self.configuration = configuration
        self.logger = logger
        self.sessions = SessionCache()
        self.sleep = sleep
    }

    /// The account's storage URL and token, authenticating if not done yet.
    public func session() async throws -> SwiftSession {
        try await sessions.current(authenticator: authenticator, httpClient: httpClient, logger: logger)
    }
}

/// Holds the current session; concurrent callers share one authentication.
actor SessionCache {
    private var session: SwiftSession?
    private var pending: Task<SwiftSession, any Error>?

    func current(authenticator: any SwiftAuthenticator, httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession {
        if let session { return session }
        if let pending { return try await pending.value }
        let task = Task { try await authenticator.authenticate(httpClient: httpClient, logger: logger) }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        session = fresh
        return fresh
    }

    /// Forgets `stale` (if still current) so that the next call authenticates again.
    func invalidate(_ stale: SwiftSession) {
        if session == stale { session = nil }
    }
}

/// One request to the account, a container or an object.
struct SwiftRequest: Sendable {
    var method: HTTPMethod
    var container: String?
    var object: String?
    var query: [(String, String)] = []
    var headers: HTTPHeaders = [:]
    /// Produces the body afresh for each attempt; nil: no body.
    var body: (@Sendable () throws -> HTTPClientRequest.Body)?
    /// Idempotent, and the body (if any) can be produced again.
    var retryable: Bool
    /// Statuses the caller handles itself instead of an error (e.g. 404 for "exists?").
    var acceptedStatuses: Set<Int> = []
    /// Names the operation in errors, e.g. "PUT logs/a.txt".
    var what: String
}

extension SwiftStorageClient {
    /// Sends a request with re-authentication and retries; returns a response whose status
    /// is 2xx or accepted (its body not yet read), or throws `SwiftStorageError`.
    func send(_ request: SwiftRequest) async throws -> HTTPClientResponse {
        var attempts = RequestAttempts(policy: configuration.retry, retryable: request.retryable)
        while true {
            let session = try await session()
            var http = HTTPClientRequest(url: Self.url(session.storageURL, request.container, request.object, request.query))
            http.method = request.method
            http.headers = request.headers
            http.headers.replaceOrAdd(name: "X-Auth-Token", value: session.token)
            if let body = request.body { http.body = try body() }
            let outcome: RequestAttempts.Outcome
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(http, timeout: configuration.requestTimeout, logger: logger)
                let status = Int(response.status.code)
                if (200..<300).contains(status) || request.acceptedStatuses.contains(status) { return response }
                outcome = .status(status)
            } catch let error as SwiftStorageError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.debug("swift request failed", metadata: ["swift.request": "\(request.what)", "swift.error": "\(error)"])
                switch attempts.record(.connectionFailed) {
                case .retry(let wait):
                    try await sleep(wait)
                    continue
                default:
                    throw SwiftStorageError(.transport, "\(request.what): the connection to Swift failed after \(attempts.attempt) attempt(s); check that the proxy is reachable", underlying: error)
                }
            }
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
            switch attempts.record(outcome) {
            case .reauthenticateAndRetry:
                logger.debug("swift token refused, authenticating again", metadata: ["swift.request": "\(request.what)"])
                await sessions.invalidate(session)
                await authenticator.sessionRejected(session)
            case .retry(let wait):
                logger.debug("swift transient error, retrying", metadata: ["swift.request": "\(request.what)", "swift.status": "\(response.status.code)"])
                try await sleep(wait)
            case .finish, .failConnection:
                throw SwiftStorageError.response(status: Int(response.status.code), body: request.method == .HEAD ? "" : body, what: request.what)
            }
        }
    }

    /// Sends a request and reads its whole (small) body.
    func sendCollecting(_ request: SwiftRequest, limit: Int = 16 << 20) async throws -> (HTTPClientResponse, ByteBuffer) {
        let response = try await send(request)
        do {
            return (response, try await response.body.collect(upTo: limit))
        } catch {
            throw SwiftStorageError(.transport, "\(request.what): reading Swift's answer failed", underlying: error)
        }
    }

    /// `storageURL/container/object?query`, every name percent-encoded (UTF-8).
    static func url(_ storageURL: String, _ container: String?, _ object: String?, _ query: [(String, String)]) -> String {
        var url = storageURL.hasSuffix("/") ? String(storageURL.dropLast()) : storageURL
        if let container { url += "/" + percentEncode(container, keepSlash: false) }
        if let object { url += "/" + percentEncode(object, keepSlash: true) }
        if !query.isEmpty {
            url += "?" + query.map { key, value in
                value.isEmpty ? percentEncode(key, keepSlash: false) : percentEncode(key, keepSlash: false) + "=" + percentEncode(value, keepSlash: false)
            }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters (and `/` if asked).
    static func percentEncode(_ text: String, keepSlash: Bool) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
