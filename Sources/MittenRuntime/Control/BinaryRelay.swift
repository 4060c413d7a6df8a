import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
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
    /// The address actually bound (the real port when asked for port 0).
    public let address: WireAddress
    private let channel: any Channel

    private init(address: WireAddress, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

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
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(RelayHandler(file: file, expectedAuthorization: expected, logger: logger))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw RuntimeError(.connectFailed, "cannot serve the binary relay on \(host):\(port): \(error); is another mitten Control running there?")
        }
        let bound = WireAddress(host: host, port: channel.localAddress?.port ?? port)
        logger.info("binary relay listening", metadata: ["mitten.address": "\(bound)", "mitten.file": "\(file)"])
        return BinaryRelay(address: bound, channel: channel)
    }

    /// Waits until graceful shutdown (or ``close()``), then stops listening.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            self.channel.close(promise: nil)
        }
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
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
            return Self.respond(channel, status: .notFound, text: "not found: the binary is at GET \(BinaryRelay.path)\n")
        }
        guard head.method == .GET || head.method == .HEAD else {
            return Self.respond(channel, status: .methodNotAllowed, text: "only GET and HEAD\n")
        }
        guard Self.constantTimeEqual(head.headers.first(name: "Authorization") ?? "", expectedAuthorization) else {
            logger.warning("binary relay refused a request without the cluster's token", metadata: ["mitten.peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
            return Self.respond(channel, status: .unauthorized, text: "the binary relay needs the cluster's token (Authorization: Bearer ...)\n")
        }
        let handle: NIOFileHandle, size: Int64
        do {
            handle = try NIOFileHandle(_deprecatedPath: file)
            size = try FileSystem.size(of: handle)
        } catch {
            logger.error("binary relay cannot read its file", metadata: ["mitten.file": "\(file)", "mitten.error": "\(error)"])
            return Self.respond(channel, status: .internalServerError, text: "cannot read the binary on Control: \(error)\n")
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

    private static func respond(_ channel: any Channel, status: HTTPResponseStatus, text: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(text.utf8.count))
        headers.add(name: "Connection", value: "close")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(string: text))), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
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
