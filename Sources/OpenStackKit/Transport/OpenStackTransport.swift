public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOHTTP1

/// The one HTTP transport every OpenStackKit client uses: AsyncHTTPClient with pooled
/// keep-alive connections and timeouts, retries decided by `RetryPolicy`, a
/// `RequestCounter`, and a debug log line per attempt (method, URL path, status,
/// duration; never headers, bodies or query strings, which may carry secrets).
public final class OpenStackTransport: Sendable {
    /// Transport settings.
    public struct Configuration: Sendable {
        /// How long to wait for a TCP connection.
        public var connectTimeout: Duration = .seconds(10)
        /// How long one request may take, end to end.
        public var requestTimeout: Duration = .seconds(60)
        /// Retries for failed attempts.
        public var retryPolicy = RetryPolicy()
        /// Keep connections open between requests (true) or send `Connection: close`.
        public var reuseConnections = true
        /// Creates the default configuration.
        public init() {}
    }

    private let client: HTTPClient
    private let ownsClient: Bool
    private let configuration: Configuration
    private let clock: any Clock<Duration>
    /// The request counter (shared with whoever shows "OS Reqs").
    public let counter: RequestCounter

    /// An `HTTPClient` set up as the transport's own: `configuration`'s timeouts, 32
    /// connections per host, no redirects, no decompression, and a connection that cannot
    /// be opened fails the attempt at once (the caller's retry policy decides and then
    /// reports it, instead of AsyncHTTPClient retrying quietly until each attempt's connect
    /// timeout). For callers that share one client between OpenStackKit and SwiftStorageKit.
    public static func makeHTTPClient(_ configuration: Configuration = Configuration()) -> HTTPClient {
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .nanoseconds(Int64(configuration.connectTimeout.totalNanoseconds)),
                             read: .nanoseconds(Int64(configuration.requestTimeout.totalNanoseconds)))
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        http.connectionPool.retryConnectionEstablishment = false
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Creates a transport with its own `HTTPClient`; call `shutdown()` when done.
    public init(configuration: Configuration = Configuration(), counter: RequestCounter = RequestCounter(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.client = Self.makeHTTPClient(configuration)
        self.ownsClient = true
        self.configuration = configuration
        self.counter = counter
        self.clock = clock
    }

    /// Creates a transport over an `HTTPClient` the caller owns and shuts down.
    public init(client: HTTPClient, configuration: Configuration = Configuration(),
                counter: RequestCounter = RequestCounter(), clock: any Clock<Duration> = ContinuousClock()) {
        self.client = client
        self.ownsClient = false
        self.configuration = configuration
        self.counter = counter
        self.clock = clock
    }

    /// Shuts down the `HTTPClient` if this transport created it.
    public func shutdown() async throws {
        if ownsClient { try await client.shutdown() }
    }

    /// Sends `request`, retrying as `RetryPolicy` allows. Returns answers below 400;
    /// throws `OpenStackError` for error statuses (with the server's message) and for
    /// connection failures and timeouts.
    public func send(_ request: OpenStackRequest, logger: Logger) async throws -> OpenStackResponse {
        var attempt = 1
        while true {
            let outcome: RetryPolicy.Outcome
            let failure: OpenStackError
            do {
                let response = try await sendOnce(request, logger: logger)
                if response.status < 400 { return response }
                let error = OpenStackError.fromResponse(status: response.status, service: request.service,
                                                        requestID: response.requestID, body: response.body)
                outcome = .status(response.status,
                                  retryAfter: RetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after")),
                                  inProgress: response.status == 409 && RetryPolicy.isInProgressConflict(error.message))
                failure = error
            } catch let error as TransportFailure {
                outcome = error.sent ? .failedAfterSending : .connectFailed
                failure = error.error
            }
            switch configuration.retryPolicy.decide(outcome, attempt: attempt, idempotent: request.isIdempotent,
                                                    jitter: Double.random(in: 0..<1)) {
            case .giveUp:
                throw failure
            case .retry(let delay):
                // A cloud that throttles (413/429) or is unavailable is worth telling the user about.
                var level = Logger.Level.debug
                if case .status(let status, _, _) = outcome, [413, 429, 503].contains(status) { level = .notice }
                logger.log(level: level, "retrying OpenStack request: \(failure.message)", metadata: [
                    "openstack.request.method": "\(request.method.rawValue)",
                    "openstack.request.path": "\(Self.path(of: request.url))",
                    "openstack.retry.attempt": "\(attempt)", "openstack.retry.delay": "\(delay)",
                ])
                try await clock.sleep(for: delay)
                attempt += 1
            }
        }
    }

    private struct TransportFailure: Error {
        var sent: Bool
        var error: OpenStackError
    }

    private func sendOnce(_ request: OpenStackRequest, logger: Logger) async throws -> OpenStackResponse {
        var http = HTTPClientRequest(url: request.url)
        http.method = request.method
        http.headers = request.headers
        if http.headers.first(name: "accept") == nil { http.headers.add(name: "Accept", value: "application/json") }
        http.headers.replaceOrAdd(name: "User-Agent", value: "mitten-openstackkit")
        if !configuration.reuseConnections { http.headers.replaceOrAdd(name: "Connection", value: "close") }
        if let body = request.body {
            if http.headers.first(name: "content-type") == nil {
                http.headers.add(name: "Content-Type", value: "application/json")
            }
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        let started = ContinuousClock.now
        counter.recordRequest()
        let path = Self.path(of: request.url)
        do {
            // AsyncHTTPClient gets no logger: its own debug lines are not ours to vouch for.
            let response = try await client.execute(http, timeout: .nanoseconds(Int64(configuration.requestTimeout.totalNanoseconds)))
            let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let status = Int(response.status.code)
            logger.debug("openstack request", metadata: [
                "openstack.request.method": "\(request.method.rawValue)", "openstack.request.path": "\(path)",
                "openstack.response.status": "\(status)",
                "openstack.request.duration": "\(ContinuousClock.now - started)",
            ])
            return OpenStackResponse(status: status, headers: response.headers, body: Array(buffer: body))
        } catch {
            let sent = !Self.isConnectFailure(error)
            let timedOut = Self.isTimeout(error)
            logger.debug("openstack request failed", metadata: [
                "openstack.request.method": "\(request.method.rawValue)", "openstack.request.path": "\(path)",
                "openstack.request.duration": "\(ContinuousClock.now - started)",
                "openstack.error": "\(timedOut ? "timeout" : "connection")",
            ])
            let message = timedOut
                ? "\(request.method.rawValue) \(path) to \(request.service) timed out; check that the service is up and reachable"
                : "\(request.method.rawValue) \(path) to \(request.service) failed: \(error); check that the service is up and reachable"
            throw TransportFailure(sent: sent, error: OpenStackError(code: timedOut ? .timeout : .connection, message: message,
                                                                  service: request.service, underlying: error))
        }
    }

    /// The path of a URL (no scheme, host or query): the only part of a URL logged.
    static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return "?" }
        return components.path.isEmpty ? "/" : components.path
    }

    /// Whether `error` means the connection was never opened, so nothing was sent.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if error is NIOConnectionError { return true }
        if let error = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }

    static func isTimeout(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .connectTimeout || error == .readTimeout || error == .deadlineExceeded
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
