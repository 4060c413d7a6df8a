import Logging
import Foundation
import AsyncHTTPClient
import NIOHTTP1
import NIOCore

/// What `HEAD` (or a finished transfer) reports about an object.
public struct ObjectInfo: Sendable, Equatable, Codable {
    /// The object's name.
    public var name: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Its ETag without quotes: the MD5 of the bytes, or for an SLO the MD5 of its segments' MD5s.
    public var etag: String
    /// Its content type.
    public var contentType: String?
    /// Its last modification, as Swift printed it (HTTP date).
    public var lastModified: String?
    /// Its metadata (`X-Object-Meta-*`), keys lower-cased without the prefix.
    public var metadata: [String: String]
    /// Whether it is a Static Large Object manifest.
    public var isStaticLargeObject: Bool
}

/// Options of an upload.
public struct UploadOptions: Sendable {
    /// Content type; nil guesses it from the name's extension.
    public var contentType: String?
    /// Metadata to store (`X-Object-Meta-*`).
    public var metadata: [String: String]
    /// Hears the number of bytes of each chunk sent (for progress lines).
    public var progress: (@Sendable (Int) -> Void)?
    /// Test seam: corrupt the stream after hashing it (see `HashingSequence`).
    var corruptAfterHashing = false

    /// Creates options.
    public init(contentType: String? = nil, metadata: [String: String] = [:], progress: (@Sendable (Int) -> Void)? = nil) {
        self.contentType = contentType
        self.metadata = metadata
        self.progress = progress
    }
}

extension SwiftStorageClient {
    /// Uploads an object, streamed, with its MD5 computed on the way and checked against
    /// the ETag Swift returns. A source larger than the large-object threshold (and
    /// restartable) goes up as a Static Large Object instead.
    @discardableResult
    public func upload(_ source: ObjectSource, container: String, object: String, options: UploadOptions = UploadOptions()) async throws -> ObjectInfo {
        try Self.validate(container: container)
        try Self.validate(object: object)
        if source.isRestartable, let length = source.length, length > (try await effectiveLargeObjectThreshold()) {
            return try await uploadLargeObject(source, container: container, object: object, options: options)
        }
        return try await uploadSingle(source, container: container, object: object, options: options, extraHeaders: [:])
    }

    /// One PUT of the whole source (no SLO), verified by ETag.
    func uploadSingle(_ source: ObjectSource, container: String, object: String, options: UploadOptions, extraHeaders: HTTPHeaders) async throws -> ObjectInfo {
        var headers = extraHeaders
        headers.replaceOrAdd(name: "Content-Type", value: options.contentType ?? ContentTypes.guess(forName: object))
        for (key, value) in options.metadata { headers.add(name: "X-Object-Meta-\(key)", value: value) }
        let accumulator = LockedBox<MD5Accumulator>(MD5Accumulator())
        let chunkSize = configuration.chunkSize
        let what = "uploading \(container)/\(object)"
        let response = try await send(SwiftRequest(
            method: .PUT, container: container, object: object, headers: headers,
            body: {
                let fresh = MD5Accumulator()
                accumulator.set(fresh)
                return hashedBody(source.chunks(chunkSize: chunkSize), length: source.length, accumulator: fresh,
                                  progress: options.progress, corruptAfterHashing: options.corruptAfterHashing)
            },
            retryable: source.isRestartable, what: what))
        _ = try? await response.body.collect(upTo: 1 << 20)
        let (md5, bytes) = accumulator.get().finish()
        guard let etag = normalizedETag(response.headers.first(name: "ETag")) else {
            throw SwiftStorageError(.server, "\(what): Swift answered without an ETag; cannot verify the upload", status: Int(response.status.code))
        }
        guard etag == md5 else {
            // Nothing is deleted: what Swift stored stays for inspection; the caller decides.
            throw SwiftStorageError(.checksumMismatch, "\(what): sent \(bytes) bytes with MD5 \(md5) but Swift stored ETag \(etag); the stored copy is corrupt, upload again")
        }
        return ObjectInfo(name: object, bytes: bytes, etag: etag, contentType: headers.first(name: "Content-Type"),
                          lastModified: response.headers.first(name: "Last-Modified"), metadata: options.metadata, isStaticLargeObject: false)
    }

    /// Reads an object's size, ETag, type, date and metadata; `notFound` if missing.
    public func objectInfo(container: String, object: String) async throws -> ObjectInfo {
        try Self.validate(container: container)
        try Self.validate(object: object)
        let response = try await send(SwiftRequest(method: .HEAD, container: container, object: object, retryable: true,
                                                   what: "reading \(container)/\(object)"))
        return Self.objectInfo(name: object, response.headers)
    }

    static func objectInfo(name: String, _ headers: HTTPHeaders) -> ObjectInfo {
        ObjectInfo(
            name: name,
            bytes: Int64(headers.first(name: "Content-Length") ?? "") ?? 0,
            etag: normalizedETag(headers.first(name: "ETag")) ?? "",
            contentType: headers.first(name: "Content-Type"),
            lastModified: headers.first(name: "Last-Modified"),
            metadata: metadata(headers, prefix: "x-object-meta-"),
            isStaticLargeObject: headers.first(name: "X-Static-Large-Object")?.lowercased() == "true")
    }

    /// Deletes an object; for a Static Large Object, its segments too.
    public func deleteObject(container: String, object: String) async throws {
        let info = try await objectInfo(container: container, object: object)
        if info.isStaticLargeObject {
            try await deleteLargeObject(container: container, object: object)
            return
        }
        _ = try await sendCollecting(SwiftRequest(method: .DELETE, container: container, object: object, retryable: true,
                                                  what: "deleting \(container)/\(object)"))
    }

    /// Copies an object server-side (no bytes pass through this client).
    public func copyObject(container: String, object: String, toContainer: String, toObject: String) async throws {
        try Self.validate(container: container)
        try Self.validate(object: object)
        try Self.validate(container: toContainer)
        try Self.validate(object: toObject)
        var headers = HTTPHeaders()
        headers.add(name: "X-Copy-From", value: "/" + Self.percentEncode(container, keepSlash: false) + "/" + Self.percentEncode(object, keepSlash: true))
        _ = try await sendCollecting(SwiftRequest(method: .PUT, container: toContainer, object: toObject, headers: headers,
                                                  body: { .bytes(ByteBuffer()) }, retryable: true,
                                                  what: "copying \(container)/\(object) to \(toContainer)/\(toObject)"))
    }
}

/// The request body for one attempt: the chunks, hashed on the way out.
func hashedBody<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, length: Int64?, accumulator: MD5Accumulator,
                                                  progress: (@Sendable (Int) -> Void)?, corruptAfterHashing: Bool) -> HTTPClientRequest.Body
where Chunks.Element == ByteBuffer {
    let hashed = HashingSequence(base: chunks, accumulator: accumulator, progress: progress, corruptAfterHashing: corruptAfterHashing)
    if let length { return .stream(hashed, length: .known(length)) }
    return .stream(hashed, length: .unknown)
}
