import NIOCore
import Logging
import Foundation
import AsyncHTTPClient
import NIOHTTP1

extension SwiftStorageClient {
    /// Replaces ALL of an object's metadata with `metadata` (Swift's POST semantics:
    /// keys not given are removed). See `updateObjectMetadata` to merge instead.
    public func replaceObjectMetadata(container: String, object: String, _ metadata: [String: String]) async throws {
        try Self.validate(container: container)
        try Self.validate(object: object)
        var headers = HTTPHeaders()
        for (key, value) in metadata { headers.add(name: "X-Object-Meta-\(key)", value: value) }
        _ = try await sendCollecting(SwiftRequest(method: .POST, container: container, object: object, headers: headers,
                                                  retryable: true, what: "setting metadata of \(container)/\(object)"))
    }

    /// Merges `changes` into an object's metadata: reads it first, sets the given keys,
    /// removes those whose value is nil, keeps the rest. Returns the resulting metadata.
    /// (Not atomic: a concurrent writer between the read and the write may be overwritten.)
    @discardableResult
    public func updateObjectMetadata(container: String, object: String, _ changes: [String: String?]) async throws -> [String: String] {
        var merged = try await objectInfo(container: container, object: object).metadata
        for (key, value) in changes {
            merged[key.lowercased()] = value
        }
        try await replaceObjectMetadata(container: container, object: object, merged)
        return merged
    }
}
