import Foundation

/// The fixed parts of the cloud: flavors, images, networks and the project's identity.
struct FixedResources: Sendable {
    struct Flavor: Sendable { var id, name: String; var vcpus, ram, disk: Int }
    struct Image: Sendable { var id, name, distro, loginUser: String; var size: Int }
    struct Network: Sendable {
        var id, name, subnetID, subnetName, cidr, gateway, poolStart, poolEnd: String
        var external: Bool
    }

    let flavors: [Flavor] = [
        .init(id: "1", name: "m1.tiny", vcpus: 1, ram: 512, disk: 1),
        .init(id: "2", name: "m1.small", vcpus: 1, ram: 2048, disk: 20),
        .init(id: "3", name: "m1.medium", vcpus: 2, ram: 4096, disk: 40),
        .init(id: "4", name: "m1.large", vcpus: 4, ram: 8192, disk: 80),
        .init(id: "5", name: "m1.xlarge", vcpus: 8, ram: 16384, disk: 160),
    ]
    let images: [Image]
    let privateNetwork: Network
    let publicNetwork: Network
    var networks: [Network] { [privateNetwork, publicNetwork] }

    init(configuration: LocalCloud.Configuration) {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "root"
        images = [
            .init(id: "7f2d3b1e-8f5a-4c59-9a6e-0d1c2b3a4f01", name: "debian-12", distro: "debian", loginUser: user, size: 356_515_840),
            .init(id: "7f2d3b1e-8f5a-4c59-9a6e-0d1c2b3a4f02", name: "ubuntu-24.04", distro: "ubuntu", loginUser: user, size: 590_020_608),
            .init(id: "7f2d3b1e-8f5a-4c59-9a6e-0d1c2b3a4f03", name: "cirros-0.6.2", distro: "cirros", loginUser: user, size: 21_430_272),
        ]
        let fixed = configuration.fixedAddressPrefix, floating = configuration.floatingAddressPrefix
        privateNetwork = .init(
            id: "5a1c0b9e-6d7f-4e8a-9b0c-1d2e3f4a5b01", name: "private",
            subnetID: "5a1c0b9e-6d7f-4e8a-9b0c-1d2e3f4a5b11", subnetName: "private-subnet",
            cidr: "\(fixed).0/24", gateway: "\(fixed).1",
            poolStart: "\(fixed).\(configuration.firstHost)", poolEnd: "\(fixed).254", external: false)
        publicNetwork = .init(
            id: "5a1c0b9e-6d7f-4e8a-9b0c-1d2e3f4a5b02", name: "public",
            subnetID: "5a1c0b9e-6d7f-4e8a-9b0c-1d2e3f4a5b12", subnetName: "public-subnet",
            cidr: "\(floating).0/24", gateway: "\(floating).1",
            poolStart: "\(floating).10", poolEnd: "\(floating).254", external: true)
    }

    func flavor(_ idOrName: String) -> Flavor? { flavors.first { $0.id == idOrName || $0.name == idOrName } }
    func image(_ idOrName: String) -> Image? { images.first { $0.id == idOrName || $0.name == idOrName } }
    func network(_ idOrName: String) -> Network? { networks.first { $0.id == idOrName || $0.name == idOrName } }
}
