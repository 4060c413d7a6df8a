import Foundation
public import Logging
import NIOHTTP1

/// Reads the OpenStack metadata service from inside a VM: `meta_data.json` and
/// `user_data`. Short timeouts; when nothing answers, a clear "not on an OpenStack VM"
/// error. The base URL can be overridden (the local cloud, tests).
public struct MetadataClient: Sendable {
    /// The link-local address every OpenStack VM reaches its metadata service at.
    public static let defaultBaseURL = "http://169.254.169.254"

    /// The base URL used.
    public let baseURL: String
    private let transport: OpenStackTransport
    private let logger: Logger

    /// Creates a client over `transport` (build it with short timeouts, e.g.
    /// `MetadataClient.transportConfiguration`). `baseURL` defaults to
    /// `MITTEN_METADATA_URL` if set in `environment`, else the link-local address.
    public init(baseURL: String? = nil, transport: OpenStackTransport, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        var url = baseURL ?? environment["MITTEN_METADATA_URL"] ?? Self.defaultBaseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.transport = transport
        self.logger = logger
    }

    /// Transport settings for the metadata service: 2-second connect, 3-second request,
    /// two attempts.
    public static var transportConfiguration: OpenStackTransport.Configuration {
        var configuration = OpenStackTransport.Configuration()
        configuration.connectTimeout = .seconds(2)
        configuration.requestTimeout = .seconds(3)
        configuration.retryPolicy = RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(200))
        return configuration
    }

    /// This VM's `meta_data.json` (`name`, `uuid`, `meta`, `availability_zone`, ...).
    public func metadata() async throws -> InstanceMetadata {
        let response = try await get("/openstack/latest/meta_data.json")
        do { return try JSONDecoder().decode(InstanceMetadata.self, from: Data(response.body)) } catch {
            throw OpenStackError(code: .invalidResponse, message: "the metadata service at \(baseURL) sent a meta_data.json that cannot be read: \(error)",
                                 service: "metadata", underlying: error)
        }
    }

    /// This VM's user data (already decoded from base64 by the service); empty when the
    /// server was created without any (the service answers 404).
    public func userData() async throws -> [UInt8] {
        do {
            return try await get("/openstack/latest/user_data").body
        } catch let error as OpenStackError where error.status == 404 {
            return []
        }
    }

    private func get(_ path: String) async throws -> OpenStackResponse {
        let request = OpenStackRequest(method: .GET, url: baseURL + path, service: "metadata")
        do {
            return try await transport.send(request, logger: logger)
        } catch let error as OpenStackError where error.code == .connection || error.code == .timeout {
            throw OpenStackError(code: .notOnOpenStackVM,
                                 message: "no metadata service answered at \(baseURL): this is not an OpenStack VM (or its metadata service is down); set MITTEN_METADATA_URL to use another",
                                 service: "metadata", underlying: error)
        }
    }
}
