import Logging
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension SwiftStorageClient {
    /// The container that holds an object's SLO segments (python-swiftclient's convention).
    public static func segmentContainer(for container: String) -> String { container + "_segments" }

    /// Uploads a restartable source as a Static Large Object: segments in parallel (at most
    /// `largeObjects.concurrency` at once), each verified by its ETag, then the manifest,
    /// whose ETag (MD5 of the segments' MD5s) is verified too. An older SLO of the same
    /// name has its segments deleted once the new manifest is in place.
    func uploadLargeObject(_ source: ObjectSource, container: String, object: String, options: UploadOptions) async throws -> ObjectInfo {
        guard let size = source.length, source.isRestartable else {
            throw SwiftStorageError(.invalidInput, "a large object must come from a file (its segments are read in parallel)")
        }
        let limits = configuration.largeObjects.readClusterLimits ? try await clusterLimits() : ClusterLimits()
        guard limits.supportsStaticLargeObjects else {
            throw SwiftStorageError(.configuration, "this Swift cluster has no SLO middleware; objects over \(limits.maximumFileSize) bytes cannot be stored")
        }
        let segmentSize = configuration.largeObjects.segmentSize(forObjectOfSize: size, limits: limits)
        let segmentContainer = Self.segmentContainer(for: container)
        try await createContainer(segmentContainer)
        let previous = try? await previousSegments(container: container, object: object)
        let stamp = String(format: "%.6f", Date().timeIntervalSince1970)
        let prefix = "\(object)/slo/\(stamp)/\(size)/\(segmentSize)/"
        let count = Int((size + segmentSize - 1) / segmentSize)
        logger.debug("swift SLO upload", metadata: ["swift.object": "\(container)/\(object)", "swift.segments": "\(count)"])

        var uploaded = [SegmentVerifier.Part?](repeating: nil, count: count)
        do {
            try await withThrowingTaskGroup(of: (Int, SegmentVerifier.Part).self) { group in
                var next = 0
                func start() {
                    let index = next
                    next += 1
                    let offset = Int64(index) * segmentSize
                    let slice = source.slice(offset: offset, length: min(segmentSize, size - offset))!
                    var segmentOptions = UploadOptions(contentType: "application/octet-stream", progress: options.progress)
                    segmentOptions.corruptAfterHashing = options.corruptAfterHashing && index == 0
                    group.addTask {
                        let name = prefix + String(format: "%08d", index)
                        let info = try await self.uploadSingle(slice, container: segmentContainer, object: name, options: segmentOptions, extraHeaders: [:])
                        return (index, SegmentVerifier.Part(bytes: info.bytes, md5: info.etag))
                    }
                }
                while next < min(count, configuration.largeObjects.concurrency) { start() }
                while let (index, part) = try await group.next() {
                    uploaded[index] = part
                    if next < count { start() }
                }
            }
        } catch {
            await deleteSegments(container: segmentContainer, names: (0..<count).filter { uploaded[$0] != nil }.map { prefix + String(format: "%08d", $0) })
            throw error
        }
        let parts = uploaded.compactMap { $0 }
        let manifest = parts.enumerated().map { index, part in
            ["path": "/\(segmentContainer)/\(prefix)\(String(format: "%08d", index))", "etag": part.md5, "size_bytes": part.bytes] as [String: Any]
        }
        let body = try JSONSerialization.data(withJSONObject: manifest)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: options.contentType ?? ContentTypes.guess(forName: object))
        for (key, value) in options.metadata { headers.add(name: "X-Object-Meta-\(key)", value: value) }
        let what = "writing the manifest of \(container)/\(object)"
        let (response, _) = try await sendCollecting(SwiftRequest(
            method: .PUT, container: container, object: object, query: [("multipart-manifest", "put")], headers: headers,
            body: { .bytes(ByteBuffer(bytes: body)) }, retryable: true, what: what))
        let expected = md5Hex(parts.map(\.md5).joined())
        let etag = normalizedETag(response.headers.first(name: "ETag")) ?? ""
        guard etag == expected else {
            throw SwiftStorageError(.checksumMismatch, "\(what): Swift's ETag \(etag) differs from the MD5 of the segments' MD5s \(expected); upload again")
        }
        if let previous {
            let fresh = Set(manifest.compactMap { $0["path"] as? String })
            let stale = previous.filter { !fresh.contains("/\($0.container)/\($0.name)") }
            for segment in stale { await deleteSegments(container: segment.container, names: [segment.name]) }
        }
        return ObjectInfo(name: object, bytes: size, etag: etag, contentType: headers.first(name: "Content-Type"),
                          lastModified: response.headers.first(name: "Last-Modified"), metadata: options.metadata, isStaticLargeObject: true)
    }

    /// One segment listed in an SLO manifest.
    struct ManifestSegment: Decodable {
        var name: String
        var hash: String
        var bytes: Int64

        /// `/container/object` split in two.
        var container: String { String(name.dropFirst().prefix { $0 != "/" }) }
        var object: String { String(name.dropFirst().drop { $0 != "/" }.dropFirst()) }
    }

    /// The manifest of an SLO: its segments in order.
    func manifest(container: String, object: String) async throws -> [ManifestSegment] {
        let (_, body) = try await sendCollecting(SwiftRequest(
            method: .GET, container: container, object: object, query: [("multipart-manifest", "get")],
            retryable: true, what: "reading the manifest of \(container)/\(object)"))
        do {
            return try JSONDecoder().decode([ManifestSegment].self, from: Data(body.readableBytesView))
        } catch {
            throw SwiftStorageError(.server, "the manifest of \(container)/\(object) is not SLO JSON", underlying: error)
        }
    }

    /// The parts (size, MD5) of an SLO, in order, for segment-by-segment verification.
    func largeObjectSegments(container: String, object: String) async throws -> [SegmentVerifier.Part] {
        try await manifest(container: container, object: object).map { SegmentVerifier.Part(bytes: $0.bytes, md5: $0.hash) }
    }

    /// The segments of an existing SLO of that name, or nil if there is none.
    private func previousSegments(container: String, object: String) async throws -> [(container: String, name: String)]? {
        let response = try await send(SwiftRequest(method: .HEAD, container: container, object: object, retryable: true,
                                                   acceptedStatuses: [404], what: "reading \(container)/\(object)"))
        guard response.status == .ok, Self.objectInfo(name: object, response.headers).isStaticLargeObject else { return nil }
        return try await manifest(container: container, object: object).map { ($0.container, $0.object) }
    }

    /// Deletes an SLO and all its segments (`multipart-manifest=delete`), checking the bulk result.
    func deleteLargeObject(container: String, object: String) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        let what = "deleting large object \(container)/\(object)"
        let (_, body) = try await sendCollecting(SwiftRequest(
            method: .DELETE, container: container, object: object, query: [("multipart-manifest", "delete")],
            headers: headers, retryable: true, what: what))
        guard let result = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else { return }
        let status = result["Response Status"] as? String ?? "200 OK"
        let errors = result["Errors"] as? [Any] ?? []
        guard status.hasPrefix("2"), errors.isEmpty else {
            throw SwiftStorageError(.server, "\(what): some segments were not deleted (\(status))", serverMessage: "\(errors)")
        }
    }

    /// Best-effort deletion of segments (after a failed upload or a replaced SLO).
    private func deleteSegments(container: String, names: [String]) async {
        for name in names {
            do {
                _ = try await sendCollecting(SwiftRequest(method: .DELETE, container: container, object: name, retryable: true,
                                                          acceptedStatuses: [404], what: "deleting segment \(container)/\(name)"))
            } catch {
                logger.info("could not delete a segment", metadata: ["swift.object": "\(container)/\(name)", "swift.error": "\(error)"])
            }
        }
    }
}
