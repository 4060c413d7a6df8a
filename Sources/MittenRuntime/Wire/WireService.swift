import Foundation
import NIOCore

/// A service's static dispatch table: method name -> handler. A request for a method
/// not in the table is answered with `unknownMethod`; nothing is looked up by reflection.
public struct WireService: Sendable {
    /// How a method runs.
    enum Method: Sendable {
        /// Runs in its own task; may suspend.
        case async(@Sendable (ByteBuffer) async throws -> ByteBuffer)
        /// Runs on the connection's event loop; must be quick and never block.
        case inline(@Sendable (ByteBuffer) throws -> ByteBuffer)
    }

    /// A method with the counter its calls are noted in.
    struct Entry: Sendable {
        let run: Method
        let calls: WireCallStatistics.Counter
    }

    /// The service name callers put in frames, e.g. `Registry`.
    public let name: String
    private(set) var methods: [String: Entry] = [:]

    private mutating func add(_ method: String, _ run: Method) {
        methods[method] = Entry(run: run, calls: WireCallStatistics.shared.counter(service: name, method: method))
    }

    /// Creates an empty table for the service `name`.
    public init(name: String) {
        self.name = name
    }

    /// Adds a method whose argument and result are JSON-encoded Codable values.
    public mutating func on<Request: Decodable & Sendable, Response: Encodable & Sendable>(
        _ method: String, _ request: Request.Type = Request.self,
        _ body: @escaping @Sendable (Request) async throws -> Response
    ) {
        add(method, .async { payload in
            let argument = try WireCodec.decode(Request.self, from: payload)
            return try WireCodec.encode(try await body(argument))
        })
    }

    /// Adds a method whose argument and result are JSON-encoded Codable values and that
    /// runs on the connection's event loop: it must be quick and never block (a lookup
    /// under a lock), and in exchange costs no task and no executor hop per call.
    public mutating func onSync<Request: Decodable & Sendable, Response: Encodable & Sendable>(
        _ method: String, _ request: Request.Type = Request.self,
        _ body: @escaping @Sendable (Request) throws -> Response
    ) {
        add(method, .inline { payload in
            try WireCodec.encode(try body(try WireCodec.decode(Request.self, from: payload)))
        })
    }

    /// Adds a method over raw payload bytes that runs in its own task (for methods with
    /// a binary payload, such as the queue's `push` and `pop`).
    public mutating func onRaw(_ method: String, _ body: @escaping @Sendable (ByteBuffer) async throws -> ByteBuffer) {
        add(method, .async(body))
    }

    /// Adds a method over raw payload bytes that runs on the event loop (for tiny,
    /// non-blocking methods such as `ping`).
    public mutating func onInline(_ method: String, _ body: @escaping @Sendable (ByteBuffer) throws -> ByteBuffer) {
        add(method, .inline(body))
    }

    /// The method names in the table, sorted.
    public var methodNames: [String] { methods.keys.sorted() }
}

/// An empty argument or result.
public struct WireEmpty: Codable, Sendable, Equatable {
    /// The empty value.
    public init() {}
}

/// JSON coding of payloads (see docs/wire-protocol.md).
public enum WireCodec {
    /// Encodes a value as a JSON payload.
    public static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try JSONEncoder().encode(value))
        } catch {
            throw RuntimeError(.badPayload, "cannot encode \(T.self) as JSON: \(error)")
        }
    }

    /// Decodes a JSON payload; an empty payload decodes as `{}`.
    public static func decode<T: Decodable>(_ type: T.Type, from payload: ByteBuffer) throws -> T {
        let data = payload.readableBytes == 0 ? Data("{}".utf8) : Data(payload.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw RuntimeError(.badPayload, "cannot decode \(T.self) from the payload: \(error)")
        }
    }

    /// The payload of an error frame.
    struct ErrorBody: Codable {
        var code: String
        var message: String
    }

    static func errorPayload(_ error: any Error) -> ByteBuffer {
        let body: ErrorBody
        if let error = error as? RuntimeError {
            body = ErrorBody(code: error.code.name, message: error.message)
        } else if let error = error as? any WireReportableError {
            body = ErrorBody(code: error.wireCode, message: error.wireMessage)
        } else if error is CancellationError {
            body = ErrorBody(code: RuntimeError.Code.cancelled.name, message: "the call was cancelled")
        } else {
            body = ErrorBody(code: RuntimeError.Code.remote.name, message: String(describing: error))
        }
        return (try? encode(body)) ?? ByteBuffer()
    }

    static func error(from payload: ByteBuffer) -> RuntimeError {
        guard let body = try? decode(ErrorBody.self, from: payload) else {
            return RuntimeError(.remote, "the remote call failed without a readable error")
        }
        var error = RuntimeError(RuntimeError.Code(name: body.code), body.message)
        error.remoteCode = body.code
        return error
    }
}

/// An error a service method throws that should cross the wire with its own code (the
/// caller sees a ``RuntimeError`` with code `remote` and ``RuntimeError/remoteCode``).
public protocol WireReportableError: Error {
    /// A stable code name, e.g. `lockBusy`.
    var wireCode: String { get }
    /// The message for the caller; never a secret.
    var wireMessage: String { get }
}
