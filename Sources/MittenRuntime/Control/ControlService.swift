import Foundation
import NIOCore

/// Control's wire methods (service `Control`): `ping`, `ensureService`, `describe`.
public enum ControlService {
    /// The wire service name.
    public static let name = "Control"
    /// The name Control registers under.
    public static let entryName = "Mitten-control"

    /// `ensureService` argument.
    public struct EnsureService: Codable, Sendable {
        /// The kind, e.g. `Statistics`.
        public var kind: String
        /// The instance name.
        public var name: String
        /// Creates an argument.
        public init(kind: String, name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// The dispatch table. `ping` (inline, raw): replies with 8 bytes of Control's time
    /// (IEEE-754 double, seconds since 1970, big-endian bit pattern) followed by the payload.
    public static func wireService(launcher: ServiceLauncher, describe: @escaping @Sendable () async -> ServiceDescription) -> WireService {
        var service = WireService(name: name)
        service.onInline("ping") { payload in
            var reply = ByteBuffer()
            reply.reserveCapacity(8 + payload.readableBytes)
            reply.writeInteger(Date().timeIntervalSince1970.bitPattern)
            var payload = payload
            reply.writeBuffer(&payload)
            return reply
        }
        service.on("ensureService", EnsureService.self) { argument in
            try await launcher.ensure(kind: argument.kind, name: argument.name)
        }
        service.on("describe", WireEmpty.self) { _ in await describe() }
        return service
    }
}

/// A typed client of Control.
public struct ControlClient: Sendable {
    /// The connection to Control.
    public let client: WireClient
    /// Per-call timeout.
    public var timeout: Duration

    /// Creates a client.
    public init(client: WireClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    /// The reply to `ping`.
    public struct Pong: Sendable {
        /// Control's clock.
        public var time: Date
        /// The payload echoed back.
        public var payload: ByteBuffer
    }

    /// Pings Control with `payload`; returns its time and the echo.
    public func ping(payload: ByteBuffer = ByteBuffer()) async throws -> Pong {
        var reply = try await client.call(service: ControlService.name, method: "ping", payload: payload, timeout: timeout)
        guard let bits = reply.readInteger(as: UInt64.self) else {
            throw RuntimeError(.badPayload, "Control's ping reply is shorter than 8 bytes")
        }
        return Pong(time: Date(timeIntervalSince1970: Double(bitPattern: bits)), payload: reply)
    }

    /// Starts (once) the shared service `kind`/`name` and returns its registry entry.
    public func ensureService(kind: String, name: String, timeout: Duration = .seconds(30)) async throws -> RegistryEntry {
        try await client.call(service: ControlService.name, method: "ensureService", ControlService.EnsureService(kind: kind, name: name), as: RegistryEntry.self, timeout: timeout)
    }

    /// Control's description.
    public func describe() async throws -> ServiceDescription {
        try await client.call(service: ControlService.name, method: "describe", WireEmpty(), as: ServiceDescription.self, timeout: timeout)
    }
}
