import Foundation

extension CloudAPI {
    /// Version discovery documents (no token needed), or nil when the request is not one.
    func versionDocument(_ request: APIRequest) throws -> APIResponse? {
        guard request.method == "GET" else { return nil }
        let base = baseURL
        switch (request.service, request.path.count) {
        case (.compute, 0):
            return .object(["versions": [computeVersion(base)]])
        case (.compute, 1) where request.path[0] == "v2.1":
            return .object(["version": computeVersion(base)])
        case (.network, 0):
            return .object(["versions": [["id": "v2.0", "status": "CURRENT", "links": [["href": "\(base)/network/v2.0/", "rel": "self"]]]]])
        case (.network, 1) where request.path[0] == "v2.0":
            let names = ["networks", "subnets", "ports", "security-groups", "security-group-rules", "floatingips"]
            return .object(["resources": names.map { ["name": $0, "collection": $0, "links": [["href": "\(base)/network/v2.0/\($0)", "rel": "self"]]] }])
        case (.image, 0), (.image, 1) where request.path.first == "versions":
            let versions = ["v2.16", "v2.15", "v2.9", "v2.0"].enumerated().map { index, id in
                ["id": id, "status": index == 0 ? "CURRENT" : "SUPPORTED", "links": [["href": "\(base)/image/v2/", "rel": "self"]]]
            }
            return .object(["versions": versions], status: request.path.isEmpty ? 300 : 200)
        case (.identity, 0):
            return .object(["versions": ["values": [identityVersion(base, "v3"), identityVersion(base, "v2.0")]]], status: 300)
        case (.identity, 1) where ["v3", "v2.0"].contains(request.path[0]):
            return .object(["version": identityVersion(base, request.path[0])])
        case (.root, _):
            return .object(["service": "mitten local cloud", "identity": "\(base)/identity/v3", "compute": "\(base)/compute/v2.1",
                            "network": "\(base)/network", "image": "\(base)/image"])
        default: return nil
        }
    }

    private func computeVersion(_ base: String) -> [String: Any] {
        ["id": "v2.1", "status": "CURRENT", "version": "\(Microversion.maximum)", "min_version": "\(Microversion.base)",
         "updated": "2013-07-23T11:33:21Z",
         "links": [["href": "\(base)/compute/v2.1/", "rel": "self"]],
         "media-types": [["base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"]]]
    }

    private func identityVersion(_ base: String, _ id: String) -> [String: Any] {
        let v3 = id == "v3"
        return ["id": v3 ? "v3.14" : "v2.0", "status": v3 ? "stable" : "deprecated", "updated": v3 ? "2020-04-07T00:00:00Z" : "2016-08-04T00:00:00Z",
                "links": [["href": "\(base)/identity/\(id)/", "rel": "self"]],
                "media-types": [["base": "application/json", "type": "application/vnd.openstack.identity-\(v3 ? "v3" : "v2.0")+json"]]]
    }
}
