import Logging
import AsyncHTTPClient
import NIOHTTP1
import NIOCore
import Foundation

/// What `HEAD` on a container reports.
public struct ContainerInfo: Sendable, Equatable, Codable {
    /// The container's name.
    public var name: String
    /// The number of objects in it.
    public var objectCount: Int
    /// The bytes used by its objects.
    public var bytesUsed: Int64
    /// Its metadata (`X-Container-Meta-*`), keys lower-cased without the prefix.
    public var metadata: [String: String]
}

/// What `HEAD` on the account reports.
public struct AccountInfo: Sendable, Equatable, Codable {
    /// The number of containers.
    public var containerCount: Int
    /// The number of objects in all containers.
    public var objectCount: Int
    /// The bytes used.
    public var bytesUsed: Int64
    /// Its metadata (`X-Account-Meta-*`), keys lower-cased without the prefix.
    public var metadata: [String: String]
}

extension SwiftStorageClient {
    /// Checks a container name: not empty, no `/`, at most 256 bytes.
    static func validate(container: String) throws {
        guard !container.isEmpty, !container.contains("/"), container.utf8.count <= 256 else {
            throw SwiftStorageError(.invalidInput, "'\(container)' is not a valid container name: it must be 1-256 bytes without '/'")
        }
    }

    /// Checks an object name: not empty, at most 1024 bytes.
    static func validate(object: String) throws {
        guard !object.isEmpty, object.utf8.count <= 1024 else {
            throw SwiftStorageError(.invalidInput, "'\(object)' is not a valid object name: it must be 1-1024 bytes")
        }
    }

    /// Creates a container (idempotent: an existing one is left as is, its metadata merged).
    public func createContainer(_ container: String, metadata: [String: String] = [:]) async throws {
        try Self.validate(container: container)
        var headers = HTTPHeaders()
        for (key, value) in metadata { headers.add(name: "X-Container-Meta-\(key)", value: value) }
        _ = try await sendCollecting(SwiftRequest(method: .PUT, container: container, headers: headers,
                                                  body: { .bytes(ByteBuffer()) }, retryable: true, what: "creating container \(container)"))
    }

    /// Reads a container's counts, bytes and metadata; `notFound` if it does not exist.
    public func containerInfo(_ container: String) async throws -> ContainerInfo {
        try Self.validate(container: container)
        let response = try await send(SwiftRequest(method: .HEAD, container: container, retryable: true, what: "reading container \(container)"))
        return ContainerInfo(
            name: container,
            objectCount: Int(response.headers.first(name: "X-Container-Object-Count") ?? "") ?? 0,
            bytesUsed: Int64(response.headers.first(name: "X-Container-Bytes-Used") ?? "") ?? 0,
            metadata: Self.metadata(response.headers, prefix: "x-container-meta-"))
    }

    /// Whether a container exists.
    public func containerExists(_ container: String) async throws -> Bool {
        try Self.validate(container: container)
        let response = try await send(SwiftRequest(method: .HEAD, container: container, retryable: true,
                                                   acceptedStatuses: [404], what: "reading container \(container)"))
        return response.status != .notFound
    }

    /// Sets (adds or replaces) container metadata; a nil value removes that key.
    public func setContainerMetadata(_ container: String, _ metadata: [String: String?]) async throws {
        try Self.validate(container: container)
        var headers = HTTPHeaders()
        for (key, value) in metadata {
            if let value { headers.add(name: "X-Container-Meta-\(key)", value: value) } else { headers.add(name: "X-Remove-Container-Meta-\(key)", value: "x") }
        }
        _ = try await sendCollecting(SwiftRequest(method: .POST, container: container, headers: headers, retryable: true,
                                                  what: "setting metadata of container \(container)"))
    }

    /// Deletes an empty container; `conflict` (with Swift's message) if it still holds objects.
    public func deleteContainer(_ container: String) async throws {
        try Self.validate(container: container)
        _ = try await sendCollecting(SwiftRequest(method: .DELETE, container: container, retryable: true, what: "deleting container \(container)"))
    }

    /// Reads the account's counts and metadata.
    public func accountInfo() async throws -> AccountInfo {
        let response = try await send(SwiftRequest(method: .HEAD, retryable: true, what: "reading the account"))
        return AccountInfo(
            containerCount: Int(response.headers.first(name: "X-Account-Container-Count") ?? "") ?? 0,
            objectCount: Int(response.headers.first(name: "X-Account-Object-Count") ?? "") ?? 0,
            bytesUsed: Int64(response.headers.first(name: "X-Account-Bytes-Used") ?? "") ?? 0,
            metadata: Self.metadata(response.headers, prefix: "x-account-meta-"))
    }

    /// Sets account metadata; a nil value removes that key.
    public func setAccountMetadata(_ metadata: [String: String?]) async throws {
        var headers = HTTPHeaders()
        for (key, value) in metadata {
            if let value { headers.add(name: "X-Account-Meta-\(key)", value: value) } else { headers.add(name: "X-Remove-Account-Meta-\(key)", value: "x") }
        }
        _ = try await sendCollecting(SwiftRequest(method: .POST, headers: headers, retryable: true, what: "setting account metadata"))
    }

    /// The metadata headers with `prefix` (lower-case), keys without it.
    static func metadata(_ headers: HTTPHeaders, prefix: String) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if lower.hasPrefix(prefix) { result[String(lower.dropFirst(prefix.count))] = value }
        }
        return result
    }
}
