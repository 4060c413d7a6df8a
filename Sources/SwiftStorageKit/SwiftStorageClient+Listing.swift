import NIOHTTP1
import Logging
import Foundation
import AsyncHTTPClient
import NIOCore

/// One entry of a container listing: an object, or (with a delimiter) a pseudo-directory.
public enum ListingEntry: Sendable, Equatable {
    /// An object with its size, MD5, type and date.
    case object(ObjectSummary)
    /// A common prefix ending in the delimiter, e.g. `logs/2024/`.
    case pseudoDirectory(String)

    /// The object's name or the pseudo-directory's prefix.
    public var name: String {
        switch self {
        case .object(let summary): summary.name
        case .pseudoDirectory(let prefix): prefix
        }
    }
}

/// An object as a listing shows it.
public struct ObjectSummary: Sendable, Equatable, Codable {
    /// Its name.
    public var name: String
    /// Its size in bytes (for an SLO: the manifest's listing size, i.e. the whole object).
    public var bytes: Int64
    /// Its ETag/MD5 as listed.
    public var hash: String
    /// Its content type.
    public var contentType: String?
    /// Its last modification (ISO 8601, as Swift lists it).
    public var lastModified: String?

    enum CodingKeys: String, CodingKey {
        case name, bytes, hash
        case contentType = "content_type"
        case lastModified = "last_modified"
    }
}

/// A container as the account listing shows it.
public struct ContainerSummary: Sendable, Equatable, Codable {
    /// Its name.
    public var name: String
    /// Its object count.
    public var count: Int
    /// The bytes its objects use.
    public var bytes: Int64
}

/// Every entry of a listing, fetched a page at a time (`marker`/`limit`, JSON format)
/// as the caller iterates.
public struct Listing<Element: Sendable>: AsyncSequence, Sendable {
    let fetchPage: @Sendable (_ marker: String?) async throws -> [Element]
    let key: @Sendable (Element) -> String
    let pageSize: Int

    /// Fetches the next page when the current one is used up.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let owner: Listing
        var page: [Element] = []
        var position = 0
        var marker: String?
        var finished = false

        /// The next entry, or nil after the last page.
        public mutating func next() async throws -> Element? {
            if position == page.count {
                guard !finished else { return nil }
                page = try await owner.fetchPage(marker)
                position = 0
                if page.count < owner.pageSize { finished = true }
                guard let last = page.last else { return nil }
                marker = owner.key(last)
            }
            defer { position += 1 }
            return page[position]
        }
    }

    /// Starts at the first page.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: self) }

    /// Collects every entry (for small listings).
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        for try await entry in self { all.append(entry) }
        return all
    }
}

extension SwiftStorageClient {
    /// The objects of a container in name order, optionally under `prefix`; with a
    /// `delimiter` (e.g. "/"), names past it fold into pseudo-directories.
    public func objects(in container: String, prefix: String? = nil, delimiter: Character? = nil, pageSize: Int = 10_000) -> Listing<ListingEntry> {
        let pageSize = max(1, pageSize)
        return Listing(fetchPage: { marker in
            try Self.validate(container: container)
            var query = [("format", "json"), ("limit", String(pageSize))]
            if let marker { query.append(("marker", marker)) }
            if let prefix { query.append(("prefix", prefix)) }
            if let delimiter { query.append(("delimiter", String(delimiter))) }
            let (_, body) = try await self.sendCollecting(SwiftRequest(method: .GET, container: container, query: query, retryable: true,
                                                                       what: "listing container \(container)"))
            return try Self.decodeEntries(body, what: "the listing of \(container)")
        }, key: \.name, pageSize: pageSize)
    }

    /// The account's containers in name order.
    public func containers(prefix: String? = nil, pageSize: Int = 10_000) -> Listing<ContainerSummary> {
        let pageSize = max(1, pageSize)
        return Listing(fetchPage: { marker in
            var query = [("format", "json"), ("limit", String(pageSize))]
            if let marker { query.append(("marker", marker)) }
            if let prefix { query.append(("prefix", prefix)) }
            let (response, body) = try await self.sendCollecting(SwiftRequest(method: .GET, query: query, retryable: true, what: "listing containers"))
            if response.status == .noContent || body.readableBytes == 0 { return [] }
            do {
                return try JSONDecoder().decode([ContainerSummary].self, from: Data(body.readableBytesView))
            } catch {
                throw SwiftStorageError(.server, "the container listing is not JSON", underlying: error)
            }
        }, key: \.name, pageSize: pageSize)
    }

    /// Decodes a JSON object listing: objects and `{"subdir": ...}` entries.
    static func decodeEntries(_ body: ByteBuffer, what: String) throws -> [ListingEntry] {
        if body.readableBytes == 0 { return [] }
        struct Raw: Decodable {
            var subdir: String?
            var name: String?
            var bytes: Int64?
            var hash: String?
            var content_type: String?
            var last_modified: String?
        }
        let raws: [Raw]
        do {
            raws = try JSONDecoder().decode([Raw].self, from: Data(body.readableBytesView))
        } catch {
            throw SwiftStorageError(.server, "\(what) is not JSON", underlying: error)
        }
        return raws.map { raw in
            if let subdir = raw.subdir { return .pseudoDirectory(subdir) }
            return .object(ObjectSummary(name: raw.name ?? "", bytes: raw.bytes ?? 0, hash: raw.hash ?? "",
                                         contentType: raw.content_type, lastModified: raw.last_modified))
        }
    }
}
