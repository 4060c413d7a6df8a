import NIOHTTP1
import NIOCore
import Logging
import Foundation
/// When and how uploads become Static Large Objects (SLO): segments uploaded in parallel
/// into `CONTAINER_segments`, each verified by its ETag, then the manifest.
public struct LargeObjectPolicy: Sendable, Equatable {
    /// Sources larger than this go up as an SLO (lowered to the cluster's `max_file_size`
    /// from `/info` when that is smaller).
    public var threshold: Int64
    /// The size of each segment; nil: the threshold. Raised if the cluster allows fewer segments.
    public var segmentSize: Int64?
    /// How many segments are sent at the same time.
    public var concurrency: Int
    /// Whether to read `/info` for the cluster's limits.
    public var readClusterLimits: Bool

    /// Creates a policy; by default 1 GiB threshold and segments, 4 at a time, `/info` read.
    public init(threshold: Int64 = 1 << 30, segmentSize: Int64? = nil, concurrency: Int = 4, readClusterLimits: Bool = true) {
        self.threshold = threshold
        self.segmentSize = segmentSize
        self.concurrency = max(1, concurrency)
        self.readClusterLimits = readClusterLimits
    }

    /// The segment size for an object of `size` bytes under a cluster that allows
    /// `maximumSegments` segments of at least `minimumSegmentSize` bytes and at most `maximumFileSize`.
    public func segmentSize(forObjectOfSize size: Int64, limits: ClusterLimits) -> Int64 {
        var segment = min(segmentSize ?? threshold, limits.maximumFileSize)
        segment = max(segment, limits.minimumSegmentSize, 1)
        let needed = (size + Int64(limits.maximumSegments) - 1) / Int64(max(limits.maximumSegments, 1))
        return max(segment, needed)
    }
}

/// The limits a Swift cluster publishes at `/info` (defaults: Swift's own defaults).
public struct ClusterLimits: Sendable, Equatable, Codable {
    /// The largest single object (`swift.max_file_size`).
    public var maximumFileSize: Int64 = 5_368_709_122
    /// The most segments in one manifest (`slo.max_manifest_segments`).
    public var maximumSegments: Int = 1000
    /// The smallest segment but the last (`slo.min_segment_size`).
    public var minimumSegmentSize: Int64 = 1
    /// Whether the cluster has SLO at all.
    public var supportsStaticLargeObjects: Bool = true
    /// Whether the cluster has TempURL.
    public var supportsTempURL: Bool = true

    /// Swift's defaults.
    public init() {}
}
