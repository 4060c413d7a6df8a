import Foundation

/// Glance (image API v2): list images and find one by name. Get one from
/// `OpenStackClient.image`.
public struct ImageClient: Sendable {
    let client: OpenStackClient
    static let service = "image"

    init(client: OpenStackClient) { self.client = client }

    /// Images, optionally only those named `name` (Glance filters names exactly),
    /// following pagination.
    public func images(named name: String? = nil) async throws -> [Image] {
        var all: [Image] = []
        var marker: String?
        repeat {
            var query: [(String, String)] = []
            if let name { query.append(("name", name)) }
            if let marker { query.append(("marker", marker)) }
            let page = try await client.decode(ImageList.self, service: Self.service, path: "/v2/images", query: query)
            all += page.images
            marker = page.next.flatMap { URLComponents(string: $0)?.queryItems?.first(where: { $0.name == "marker" })?.value }
            if page.images.isEmpty { marker = nil }
        } while marker != nil
        return all.filter { name == nil || $0.name == name }
    }

    /// The active image named `name` (an id is accepted too); `notFound` or `conflict`
    /// when several active images share the name.
    public func image(named name: String) async throws -> Image {
        let found = try await images(named: name).filter { $0.status == "active" }
        if found.count == 1 { return found[0] }
        if found.count > 1 {
            throw OpenStackError(code: .conflict, message: "\(found.count) active images are named \"\(name)\"; use an image id (\(found.map(\.id).joined(separator: ", ")))",
                                 service: Self.service)
        }
        if let byID = try await images().first(where: { $0.id == name }) { return byID }
        throw OpenStackError(code: .notFound, message: "no active image named \"\(name)\"", service: Self.service)
    }
}

extension OpenStackClient {
    /// The image (Glance) client.
    public var image: ImageClient { ImageClient(client: self) }
}
