import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Control's binary relay: hands the mitten binary Control runs to the cluster's other
/// VMs over HTTP/1.1, so that `cluster up` sends the binary from the workstation once (to
/// Control) and every worker fetches it inside the cloud (`curl`), in parallel, instead
/// of each receiving its own copy over SSH from the workstation.
///
/// `GET /mitten` with `Authorization: Bearer TOKEN` answers with the file (sent with
/// `sendfile`); the token is ``token(secret:)``, an HMAC of the cluster secret, so only
/// whoever knows the secret gets the binary. A missing or wrong token is 401, another
/// path 404, another method 405; one request per connection. Integrity is the fetching
/// side's: it checks the SHA-256 it was told. Runs until graceful shutdown.
public final class BinaryRelay: Service, Sendable {
    /// The path the binary is served at.
    public static let path = "/mitten"
    /// The relay's port on a cluster's Control VM: the one after Control's RPC port.
    public static func port(besideControl controlPort: Int) -> Int { controlPort + 1 }
    private let listener: HTTPListener
    /// The address actually bound (the real port when asked for port 0).
    public var address: WireAddress { listener.address }

    private init(listener: HTTPListener) { self.listener = listener }

    /// The bearer token for a cluster: hex HMAC-SHA256 of "mitten-binary-relay" keyed
    /// with the cluster secret. It opens nothing but the binary.
    public static func token(secret: ClusterSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("mitten-binary-relay".utf8), using: secret.key)
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: mac.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    /// Binds `host:port` and serves `file` (normally the running executable).
    public static func bind(host: String, port: Int, file: String, secret: ClusterSecret, logger: Logger) async throws -> BinaryRelay {
        let expected = "Bearer " + token(secret: secret)
        return BinaryRelay(listener: try await HTTPListener.bind(
            host: host, port: port, name: "binary relay", advice: "is another mitten Control running there?", logger: logger
        ) { RelayHandler(file: file, expectedAuthorization: expected, logger: logger) })
    }

    /// Waits until graceful shutdown (or ``close()``), then stops listening.
    public func run() async throws { try await listener.run() }

    /// Stops listening.
    public func close() async { await listener.close() }
}

/// Answers one request per connection.
private final class RelayHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let file: String
    let expectedAuthorization: String
    let logger: Logger

    init(file: String, expectedAuthorization: String, logger: Logger) {
        self.file = file
        self.expectedAuthorization = expectedAuthorization
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let channel = context.channel
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == BinaryRelay.path else {
            return HTTPListener.respond(channel, status: .notFound, body: "not found: the binary is at GET \(BinaryRelay.path)\n")
        }
        guard head.method == .GET || head.method == .HEAD else {
            return HTTPListener.respond(channel, status: .methodNotAllowed, body: "only GET and HEAD\n")
        }
        guard Self.constantTimeEqual(head.headers.first(name: "Authorization") ?? "", expectedAuthorization) else {
            logger.warning("binary relay refused a request without the cluster's token", metadata: ["mitten.peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
            return HTTPListener.respond(channel, status: .unauthorized, body: "the binary relay needs the cluster's token (Authorization: Bearer ...)\n")
        }
        let handle: NIOFileHandle, size: Int64
        do {
            handle = try NIOFileHandle(_deprecatedPath: file)
            size = try FileSystem.size(of: handle)
        } catch {
            logger.error("binary relay cannot read its file", metadata: ["mitten.file": "\(file)", "mitten.error": "\(error)"])
            return HTTPListener.respond(channel, status: .internalServerError, body: "cannot read the binary on Control: \(error)\n")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/octet-stream")
        headers.add(name: "Content-Length", value: String(size))
        headers.add(name: "Connection", value: "close")
        let responseHead = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
        let body = head.method == .HEAD ? nil : FileRegion(fileHandle: handle, readerIndex: 0, endIndex: Int(size))
        channel.write(HTTPServerResponsePart.head(responseHead), promise: nil)
        if let body { channel.write(HTTPServerResponsePart.body(.fileRegion(body)), promise: nil) }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
            try? handle.close()
            channel.close(promise: nil)
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

private enum FileSystem {
    static func size(of handle: NIOFileHandle) throws -> Int64 {
        try handle.withUnsafeFileDescriptor { descriptor in
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw IOError(errnoCode: errno, reason: "fstat") }
            return Int64(info.st_size)
        }
    }
}
