import NIOHTTP1
import Logging
import AsyncHTTPClient
import Foundation
import NIOCore

extension SwiftStorageClient {
    /// Reads the cluster's published limits from `/info` (no token needed); cached.
    /// Falls back to Swift's defaults when `/info` is disabled.
    public func clusterLimits() async throws -> ClusterLimits {
        if let cached = clusterLimitsCache.get() { return cached }
        let session = try await session()
        var limits = ClusterLimits()
        if let infoURL = Self.infoURL(storageURL: session.storageURL) {
            do {
                let response = try await httpClient.execute(HTTPClientRequest(url: infoURL), timeout: .seconds(30), logger: logger)
                let body = try await response.body.collect(upTo: 1 << 20)
                if response.status == .ok,
                   let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] {
                    let swift = json["swift"] as? [String: Any] ?? [:]
                    if let size = (swift["max_file_size"] as? NSNumber)?.int64Value { limits.maximumFileSize = size }
                    if let slo = json["slo"] as? [String: Any] {
                        if let count = (slo["max_manifest_segments"] as? NSNumber)?.intValue { limits.maximumSegments = count }
                        if let size = (slo["min_segment_size"] as? NSNumber)?.int64Value { limits.minimumSegmentSize = size }
                    } else {
                        limits.supportsStaticLargeObjects = false
                    }
                    limits.supportsTempURL = json["tempurl"] != nil
                }
            } catch {
                logger.debug("swift /info unavailable, using defaults", metadata: ["swift.error": "\(error)"])
            }
        }
        clusterLimitsCache.set(limits)
        return limits
    }

    /// The threshold above which uploads become SLOs, after the cluster's limits.
    func effectiveLargeObjectThreshold() async throws -> Int64 {
        let policy = configuration.largeObjects
        guard policy.readClusterLimits else { return policy.threshold }
        return min(policy.threshold, try await clusterLimits().maximumFileSize)
    }

    /// `scheme://host:port/info` for a storage URL `scheme://host:port[/prefix]/v1/ACCOUNT`.
    static func infoURL(storageURL: String) -> String? {
        guard var components = URLComponents(string: storageURL) else { return nil }
        let path = components.percentEncodedPath
        let prefix = path.range(of: "/v1/").map { String(path[..<$0.lowerBound]) } ?? ""
        components.percentEncodedPath = prefix + "/info"
        components.query = nil
        return components.string
    }
}
