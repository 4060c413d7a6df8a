import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// LocalCloud: an OpenStack-compatible cloud on loopback whose servers are local processes.
///
/// One HTTP port on 127.0.0.1 serves Keystone (`/identity`), Nova (`/compute/v2.1`),
/// Neutron (`/network/v2.0`), Glance (`/image/v2`) and each server's metadata service
/// (`/metadata/<server id>/`). State lives in a data directory. See docs/local-cloud.md.
public struct LocalCloud: Sendable {
    /// Where the running cloud can be reached, and how to log in.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// `http://127.0.0.1:PORT`.
        public var baseURL: String
        /// The API port.
        public var port: Int
        /// The daemon's PID.
        public var pid: Int32
        /// The login of the cloud's user and application credential.
        public var credentials: LocalCloudCredentials
        /// Keystone v3 (`…/identity/v3`), the auth URL for clients.
        public var authURL: String { baseURL + "/identity/v3" }
    }

    /// The configuration.
    public var configuration: Configuration
    /// The data directory (state, credentials, servers).
    public var dataDirectory: URL
    /// Where the library logs.
    public var logger: Logger

    /// Creates a cloud over a data directory (created if missing).
    public init(configuration: Configuration, dataDirectory: URL, logger: Logger) {
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.logger = logger
    }

    /// The default data directory: `MITTEN_CLOUD_DIR` when set, else `~/.mitten/cloud`.
    public static var defaultDataDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["MITTEN_CLOUD_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).standardizedFileURL
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".mitten/cloud")
    }

    /// Serves the cloud until the task is cancelled or (with `handleSignals`) SIGTERM/SIGINT
    /// arrives; then kills every server's processes. `onReady` gets the endpoint once the
    /// API listens; it is also written to `daemon.json`.
    public func run(handleSignals: Bool = false, onReady: @escaping @Sendable (Endpoint) async -> Void = { _ in }) async throws {
        try configuration.validate()
        let lock = try DataDirectoryLock(dataDirectory)
        defer { lock.release() }
        let credentials = try LocalCloudCredentials.loadOrCreate(in: dataDirectory)
        let store = try CloudStore(dataDirectory: dataDirectory, configuration: configuration)
        let serversDirectory = dataDirectory.appendingPathComponent("servers")
        try FileManager.default.createDirectory(at: serversDirectory, withIntermediateDirectories: true)
        let provisioner = ServerProvisioner(serversDirectory: serversDirectory, sshdPath: configuration.sshdPath,
                                            sshPort: configuration.sshPort, logger: logger)
        let baseBox = BaseURLBox()
        let runtime = ServerRuntime(store: store, provisioner: provisioner, faults: configuration.faults, logger: logger,
                                    metadataBase: { baseBox.value })
        let api = CloudAPI(store: store, runtime: runtime, tokens: TokenStore(lifetime: configuration.faults.tokenLifetime),
                           credentials: credentials, configuration: configuration, logger: logger)
        let port = configuration.port != 0 ? configuration.port : previousPort() ?? 0
        let application = makeApplication(api: api, port: port, logger: logger) { bound in
            let base = "http://127.0.0.1:\(bound)"
            baseBox.value = base
            api.baseURL = base
            await runtime.recover()
            let endpoint = Endpoint(baseURL: base, port: bound, pid: getpid(), credentials: credentials)
            try? writePrivately(JSONEncoder.sorted.encode(endpoint), to: dataDirectory.appendingPathComponent("daemon.json"))
            logger.info("local cloud listening", metadata: ["localcloud.url": .string(base)])
            await onReady(endpoint)
        }
        do {
            if handleSignals { try await application.runService() } else { try await application.run() }
        } catch {
            await Task { await runtime.shutdown() }.value
            try? FileManager.default.removeItem(at: dataDirectory.appendingPathComponent("daemon.json"))
            throw error
        }
        await Task { await runtime.shutdown() }.value
        try? FileManager.default.removeItem(at: dataDirectory.appendingPathComponent("daemon.json"))
    }

    /// The port of the previous run, if it is free again (clouds.yaml snippets stay valid).
    private func previousPort() -> Int? {
        guard let data = try? Data(contentsOf: dataDirectory.appendingPathComponent("port")),
              let port = Int(String(decoding: data, as: UTF8.self)), canBind(host: "127.0.0.1", port: port) else { return nil }
        return port
    }

    private func makeApplication(api: CloudAPI, port: Int, logger: Logger,
                                 ready: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let directory = dataDirectory
        let responder = CallbackResponder<BasicRequestContext> { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 4 << 20)
            let apiRequest = makeAPIRequest(request, body: Data(body.readableBytesView))
            let response = await api.respond(apiRequest)
            var headers = HTTPFields()
            if !response.contentType.isEmpty { headers[.contentType] = response.contentType }
            for (name, value) in response.headers {
                if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
            }
            return Response(status: .init(code: response.status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
        }
        return Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "mitten-local-cloud"),
                           onServerRunning: { channel in
                               let bound = channel.localAddress?.port ?? port
                               try? Data(String(bound).utf8).write(to: directory.appendingPathComponent("port"))
                               await ready(bound)
                           }, logger: logger)
    }
}

/// The base URL, readable from the runtime before and after the server binds.
private final class BaseURLBox: @unchecked Sendable {
    // Safe: guarded by `lock`.
    private let lock = NSLock()
    private var stored = "http://127.0.0.1:0"
    var value: String {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Turns a Hummingbird request into the API's view: the service from the first path
/// component, the rest split, query decoded, header names lowercased.
private func makeAPIRequest(_ request: Request, body: Data) -> APIRequest {
    var components = request.uri.path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
    let service = components.first.flatMap { Service(rawValue: $0) } ?? .root
    if service != .root { components.removeFirst() }
    var query: [String: String] = [:]
    for pair in (request.uri.query ?? "").split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
        if let key = parts.first { query[key] = parts.count > 1 ? parts[1] : "" }
    }
    var headers: [String: String] = [:]
    for field in request.headers { headers[field.name.canonicalName] = field.value }
    return APIRequest(method: request.method.rawValue, service: service, path: components, query: query, headers: headers, body: body)
}
