/// A Glance v2 image.
public struct Image: Codable, Sendable, Equatable, Identifiable {
    /// Image id.
    public var id: String
    /// Name (Glance allows none).
    public var name: String?
    /// `active`, `queued`, ...
    public var status: String
    /// `public`, `private`, `shared`, `community`.
    public var visibility: String?
    /// Size in bytes.
    public var size: Int?
    /// Minimum disk in GiB.
    public var minDisk: Int?
    /// Minimum RAM in MiB.
    public var minRAM: Int?

    enum CodingKeys: String, CodingKey { case id, name, status, visibility, size, minDisk = "min_disk", minRAM = "min_ram" }

    /// Creates an image.
    public init(id: String, name: String?, status: String, visibility: String? = nil, size: Int? = nil,
                minDisk: Int? = nil, minRAM: Int? = nil) {
        self.id = id
        self.name = name
        self.status = status
        self.visibility = visibility
        self.size = size
        self.minDisk = minDisk
        self.minRAM = minRAM
    }
}

/// `{"images": [...], "next": "/v2/images?marker=..."}`.
public struct ImageList: Codable, Sendable, Equatable {
    /// The images.
    public var images: [Image]
    /// The next page, if any.
    public var next: String?
    /// Creates a list.
    public init(images: [Image], next: String? = nil) {
        self.images = images
        self.next = next
    }
}
