import Foundation

/// Glance v2 image bodies (image api-ref).
enum GlanceWire {
    static func image(_ image: FixedResources.Image, projectID: String) -> [String: Any] {
        let created = openStackTime(Date(timeIntervalSince1970: 1_767_225_600))
        return ["id": image.id, "name": image.name, "status": "active", "visibility": "public", "protected": false, "os_hidden": false,
                "checksum": String(randomHexStable(image.id).prefix(32)), "os_hash_algo": "sha512", "os_hash_value": randomHexStable(image.name),
                "owner": projectID, "size": image.size, "virtual_size": NSNull(), "min_ram": 0, "min_disk": 0, "disk_format": "qcow2",
                "container_format": "bare", "created_at": created, "updated_at": created, "tags": [String](),
                "self": "/v2/images/\(image.id)", "file": "/v2/images/\(image.id)/file", "schema": "/v2/schemas/image",
                "os_distro": image.distro, "login_user": image.loginUser]
    }
}

extension CloudAPI {
    /// Glance v2: list (with name/status/visibility filters, limit and marker) and get.
    func image(_ request: APIRequest) async throws -> APIResponse {
        guard request.path.first == "v2" else { throw APIFault(.image, 404, "The resource could not be found.") }
        let images = store.resources.images.map { GlanceWire.image($0, projectID: credentials.projectID) }
        let path = Array(request.path.dropFirst())
        switch (request.method, routeShape(path)) {
        case ("GET", "images"):
            var query = request.query
            if query["visibility"] == "all" { query["visibility"] = nil }
            let selected = paginate(NeutronWire.filter(images, query: query), request)
            var body: [String: Any] = ["images": selected, "first": "/v2/images", "schema": "/v2/schemas/images"]
            if let limit = request.query["limit"].flatMap(Int.init), selected.count == limit, let last = selected.last?["id"] as? String {
                body["next"] = "/v2/images?marker=\(last)&limit=\(limit)"
            }
            return .object(body)
        case ("GET", "images/*"):
            let id = path[1]
            guard let image = images.first(where: { ($0["id"] as? String) == id }) else {
                throw APIFault(.image, 404, "No image found with ID \(id)")
            }
            return .object(image)
        case ("GET", "schemas/*"):
            return .object(["name": request.path.last ?? "image", "properties": [String: Any](), "additionalProperties": ["type": "string"]])
        default: throw APIFault(.image, 404, "The resource could not be found.")
        }
    }

    /// The metadata service of one server: `/metadata/<id>/openstack/latest/meta_data.json`
    /// and `.../user_data`. No token (as on a real VM); the server id in the path selects it.
    func metadata(_ request: APIRequest) async throws -> APIResponse {
        guard request.method == "GET", let id = request.path.first, let server = await store.read({ $0.servers[id] }) else {
            throw APIFault(.metadata, 404, "The resource could not be found.")
        }
        let rest = Array(request.path.dropFirst())
        switch rest {
        case [], ["openstack"]: return APIResponse(status: 200, body: Data("latest\n".utf8), contentType: "text/plain")
        case ["openstack", "latest"]: return APIResponse(status: 200, body: Data("meta_data.json\nuser_data\n".utf8), contentType: "text/plain")
        case ["openstack", "latest", "meta_data.json"], ["openstack", "2012-08-10", "meta_data.json"]:
            let flavor = store.resources.flavor(server.flavorID)
            let keys = await store.read { state in server.keyName.flatMap { state.keypairs[$0] } }
            var body: [String: Any] = [
                "uuid": server.id, "name": server.name, "hostname": hostname(server.name), "availability_zone": "nova",
                "meta": server.metadata, "launch_index": 0, "project_id": credentials.projectID, "devices": [Any](),
                "vcpus": flavor?.vcpus ?? 1, "ram": flavor?.ram ?? 512,
                "local_cloud": ["vcpus": flavor?.vcpus ?? 1, "ram": flavor?.ram ?? 512, "address": server.address],
            ]
            if let keys {
                body["public_keys"] = [keys.name: keys.publicKey]
                body["keys"] = [["name": keys.name, "type": "ssh", "data": keys.publicKey]]
            }
            return .object(body)
        case ["openstack", "latest", "user_data"]:
            guard let userData = server.userData.flatMap({ Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }) else {
                throw APIFault(.metadata, 404, "The resource could not be found.")
            }
            return APIResponse(status: 200, body: userData, contentType: "application/octet-stream")
        default: throw APIFault(.metadata, 404, "The resource could not be found.")
        }
    }

    /// Nova's sanitized hostname of a server name.
    private func hostname(_ name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return String(String(lowered).trimmingCharacters(in: CharacterSet(charactersIn: "-.")).prefix(63))
    }
}
