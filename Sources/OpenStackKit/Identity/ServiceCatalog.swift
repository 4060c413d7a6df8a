import Foundation

/// Which endpoint of a service to use: the Keystone catalog's `interface`.
public enum EndpointInterface: String, Sendable, Codable, Equatable, CaseIterable {
    /// The public endpoint (the default).
    case `public`
    /// The internal endpoint (from inside the cloud).
    case `internal`
    /// The admin endpoint.
    case admin

    /// Parses `public`, `internal`, `admin` and the v2.0 forms `publicURL`, `internalURL`, `adminURL`.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        let stripped = lowered.hasSuffix("url") ? String(lowered.dropLast(3)) : lowered
        self.init(rawValue: stripped)
    }
}

/// The service catalog a token came with, in Keystone v3's shape (v2.0 catalogs are
/// converted): services by type, each with endpoints by interface and region.
public struct ServiceCatalog: Sendable, Codable, Equatable {
    /// One service (compute, network, image, identity, object-store, ...).
    public struct Service: Sendable, Codable, Equatable {
        /// The service type, e.g. `compute`.
        public var type: String
        /// The service name, e.g. `nova`.
        public var name: String?
        /// The service id.
        public var id: String?
        /// Its endpoints.
        public var endpoints: [Endpoint]

        /// Creates a catalog service.
        public init(type: String, name: String? = nil, id: String? = nil, endpoints: [Endpoint]) {
            self.type = type
            self.name = name
            self.id = id
            self.endpoints = endpoints
        }
    }

    /// One endpoint of a service.
    public struct Endpoint: Sendable, Codable, Equatable {
        /// Endpoint id.
        public var id: String?
        /// `public`, `internal` or `admin`.
        public var interface: EndpointInterface
        /// The region (`region_id` in newer catalogs, `region` in older ones).
        public var region: String?
        /// The endpoint's base URL.
        public var url: String

        enum CodingKeys: String, CodingKey { case id, interface, region, regionID = "region_id", url }

        /// Creates an endpoint.
        public init(id: String? = nil, interface: EndpointInterface, region: String?, url: String) {
            self.id = id
            self.interface = interface
            self.region = region
            self.url = url
        }

        /// Decodes `region_id` or `region`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            interface = try container.decode(EndpointInterface.self, forKey: .interface)
            region = try container.decodeIfPresent(String.self, forKey: .regionID)
                ?? container.decodeIfPresent(String.self, forKey: .region)
            url = try container.decode(String.self, forKey: .url)
        }

        /// Encodes `region_id` and `region` (as Keystone v3 does).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(id, forKey: .id)
            try container.encode(interface, forKey: .interface)
            try container.encodeIfPresent(region, forKey: .regionID)
            try container.encodeIfPresent(region, forKey: .region)
            try container.encode(url, forKey: .url)
        }
    }

    /// The services.
    public var services: [Service]

    /// Creates a catalog.
    public init(services: [Service]) { self.services = services }

    /// The URL of the endpoint for service `type` with `interface`, in `region` if one is
    /// given (else the first region that has one). Trailing slashes are removed.
    /// Throws `endpointNotFound` with a message listing what the catalog has.
    public func endpoint(type: String, interface: EndpointInterface = .public, region: String? = nil) throws -> String {
        let matching = services.filter { $0.type == type }
        guard !matching.isEmpty else {
            throw OpenStackError(code: .endpointNotFound,
                                 message: "the service catalog has no \"\(type)\" service; it has: \(summary)", service: type)
        }
        let endpoints = matching.flatMap(\.endpoints)
        if let found = endpoints.first(where: { $0.interface == interface && (region == nil || $0.region == region) }) {
            var url = found.url
            while url.hasSuffix("/") { url.removeLast() }
            return url
        }
        let wanted = "interface \(interface.rawValue)" + (region.map { " in region \"\($0)\"" } ?? "")
        throw OpenStackError(code: .endpointNotFound,
                             message: "the service catalog has no \"\(type)\" endpoint with \(wanted); \(type) has: \(Self.describe(endpoints))",
                             service: type)
    }

    /// Every service with its regions and interfaces, e.g.
    /// `compute (RegionOne: public, internal, admin), identity (RegionOne: public)`.
    public var summary: String {
        guard !services.isEmpty else { return "nothing (the token has an empty catalog: is it scoped to a project?)" }
        return services.sorted { $0.type < $1.type }.map { "\($0.type) (\(Self.describe($0.endpoints)))" }.joined(separator: ", ")
    }

    private static func describe(_ endpoints: [Endpoint]) -> String {
        guard !endpoints.isEmpty else { return "no endpoints" }
        var regions: [String] = []
        var byRegion: [String: [String]] = [:]
        for endpoint in endpoints {
            let region = endpoint.region ?? "no region"
            if byRegion[region] == nil { regions.append(region) }
            byRegion[region, default: []].append(endpoint.interface.rawValue)
        }
        return regions.map { "\($0): \(byRegion[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
    }
}
