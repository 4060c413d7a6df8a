import Foundation
@testable import OpenStackKit
import Testing

/// Against the real Nova (fake virt driver) that scripts/lab/20-nova.sh starts. Its
/// Glance and Neutron are the lab's stand-ins (see scripts/lab/nova/*_stub.py).
@Suite(.enabled(if: !Lab.skipRequested, "MITTEN_SKIP_REAL_OPENSTACK=1: real Nova tests skipped"), .serialized, .timeLimit(.minutes(10)))
struct NovaIntegrationTests {
    /// An ed25519 public key (its private half is not needed: nothing boots).
    static let publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH80fNkJsJYklI6JDRQwzerw6ufhujQb6C/hjgUfah/b mitten-test"
    static let otherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHSZPxtxAJmuPR4bel8QydSXN7KytaoxSpd6/VMq1dgg mitten-other"

    func withNova<T>(_ body: (OpenStackClient) async throws -> T) async throws -> T {
        _ = try Lab.require("MITTEN_TEST_NOVA_URL")
        return try await Lab.withClient(try Lab.userCredentials(), body)
    }

    @Test func microversionFlavorsAndLimits() async throws {
        try await withNova { client in
            #expect(try await client.compute.microversion() == .preferred)
            let flavor = try await client.compute.flavor(named: try Lab.require("MITTEN_TEST_NOVA_FLAVOR"))
            #expect(flavor.vcpus >= 1)
            let limits = try await client.compute.limits()
            #expect((limits.maxTotalInstances ?? 0) != 0)
            let missing = await #expect(throws: OpenStackError.self) { try await client.compute.flavor(named: "no-such-flavor") }
            #expect(missing?.message.contains("m1.tiny") == true)
        }
    }

    /// Reads go before the version document: asked for a microversion above real Nova's
    /// maximum, the first listing gets Nova's 406, lowers to the maximum it names and is
    /// retried, and the version document later agrees.
    @Test func aReadAboveNovasMaximumIsLoweredAndRetried() async throws {
        _ = try Lab.require("MITTEN_TEST_NOVA_URL")
        var configuration = OpenStackClient.Configuration()
        configuration.computeMicroversion = ComputeMicroversion(2, 999)
        try await Lab.withClient(try Lab.userCredentials(), configuration: configuration) { client in
            let flavors = try await client.compute.flavors()
            #expect(!flavors.isEmpty)
            let lowered = try #require(try await client.compute.microversion())
            #expect(lowered < ComputeMicroversion(2, 999) && lowered >= .preferred)
        }
    }

    @Test func keypairImportChecksTheFingerprint() async throws {
        let name = "mitten-kp-\(UUID().uuidString.prefix(8))"
        try await withNova { client in
            let created = try await client.compute.importKeypair(name: name, publicKey: Self.publicKey)
            #expect(created.fingerprint == Keypair.fingerprint(ofPublicKey: Self.publicKey))
            let again = try await client.compute.importKeypair(name: name, publicKey: Self.publicKey)
            #expect(again.fingerprint == created.fingerprint)
            let clash = await #expect(throws: OpenStackError.self) {
                try await client.compute.importKeypair(name: name, publicKey: Self.otherKey)
            }
            #expect(clash?.code == .fingerprintMismatch)
            try await client.compute.deleteKeypair(named: name)
            let gone = await #expect(throws: OpenStackError.self) { try await client.compute.keypair(named: name) }
            #expect(gone?.status == 404)
        }
    }

    @Test func serverLifecycleWithUserDataMetadataKeyAndSecurityGroup() async throws {
        let prefix = "mitten-it-\(UUID().uuidString.prefix(6).lowercased())"
        let keyName = prefix + "-key"
        try await withNova { client in
            let compute = client.compute
            _ = try await compute.importKeypair(name: keyName, publicKey: Self.publicKey)
            let image = try await client.image.image(named: try Lab.require("MITTEN_TEST_NOVA_IMAGE"))
            let flavor = try await compute.flavor(named: try Lab.require("MITTEN_TEST_NOVA_FLAVOR"))
            let group = try await compute.createServerGroup(name: prefix + "-group")
            #expect(group.effectivePolicy == "anti-affinity")
            #expect(try await compute.serverGroups().contains { $0.id == group.id })

            let userData = try UserData.encode(Array("#cloud-config\nruncmd: [echo mitten]\n".utf8))
            let created = try await compute.createServer(ServerCreateRequest(
                server: ServerCreate(name: prefix + "-1", imageRef: image.id, flavorRef: flavor.id, keyName: keyName,
                                     securityGroups: [try Lab.require("MITTEN_TEST_NOVA_SECURITY_GROUP")],
                                     metadata: ["mitten.role": "worker", "mitten.cluster": prefix], userData: userData),
                schedulerHints: SchedulerHints(group: group.id)))

            // Nova's name filter is a regex: the prefix alone would match unanchored.
            #expect(try await compute.servers(named: .exactly(prefix + "-")).isEmpty)
            let listed = try await compute.servers(named: .exactly(prefix + "-1"))
            #expect(listed.map(\.id) == [created.id])
            #expect(try await compute.servers(named: .matching(prefix + "-[0-9]+"), metadata: ["mitten.cluster": prefix]).map(\.id) == [created.id])
            #expect(try await compute.servers(named: .matching(prefix + "-[0-9]+"), metadata: ["mitten.cluster": "other"]).isEmpty)

            let active = try await compute.waitForServer(id: created.id, policy: ServerWaitPolicy(initialDelay: .milliseconds(500), timeout: .seconds(400)))
            #expect(active.status == "ACTIVE")
            #expect(active.keyName == keyName)
            #expect(active.metadata["mitten.role"] == "worker")
            // Nova shows a server's groups from its Neutron ports, and the stand-in Neutron has
            // none; the group was checked by Nova at create time (a bogus one is refused:
            // aBogusSecurityGroupGivesNovasOwnMessage).

            try await compute.deleteServer(id: created.id)
            try await compute.waitForServerDeletion(id: created.id, policy: ServerWaitPolicy(initialDelay: .milliseconds(500), timeout: .seconds(400)))
            let remaining = try await compute.servers(named: .exactly(prefix + "-1")).filter { $0.status != "DELETED" }
            #expect(remaining.isEmpty)
            try await compute.deleteServerGroup(id: group.id)
            try await compute.deleteKeypair(named: keyName)
        }
    }

    @Test func userDataOverTheLimitIsRefusedBeforeNovaSeesIt() async throws {
        try await withNova { client in
            _ = try await client.compute.microversion()
            let before = client.requestCount
            let oversized = Data(repeating: 0x41, count: 60_000).base64EncodedString()
            let error = await #expect(throws: OpenStackError.self) {
                try await client.compute.createServer(ServerCreateRequest(
                    server: ServerCreate(name: "mitten-too-big", imageRef: "x", flavorRef: "1", userData: oversized)))
            }
            #expect(error?.code == .userDataTooLarge)
            #expect(error?.message.contains("80,000 bytes base64-encoded") == true)
            #expect(client.requestCount == before)
        }
    }

    @Test func aBogusFlavorGivesNovasOwnMessage() async throws {
        try await withNova { client in
            let image = try await client.image.image(named: try Lab.require("MITTEN_TEST_NOVA_IMAGE"))
            let error = await #expect(throws: OpenStackError.self) {
                try await client.compute.createServer(ServerCreateRequest(
                    server: ServerCreate(name: "mitten-bogus-flavor", imageRef: image.id, flavorRef: "no-such-flavor")))
            }
            #expect(error?.status == 400)
            #expect(error?.service == "compute")
            #expect(error?.message == "Flavor no-such-flavor could not be found.")
            #expect(error?.requestID?.hasPrefix("req-") == true)
        }
    }

    @Test func aBogusSecurityGroupGivesNovasOwnMessage() async throws {
        try await withNova { client in
            let image = try await client.image.image(named: try Lab.require("MITTEN_TEST_NOVA_IMAGE"))
            let flavor = try await client.compute.flavor(named: try Lab.require("MITTEN_TEST_NOVA_FLAVOR"))
            let error = await #expect(throws: OpenStackError.self) {
                try await client.compute.createServer(ServerCreateRequest(
                    server: ServerCreate(name: "mitten-bogus-sg", imageRef: image.id, flavorRef: flavor.id, securityGroups: ["no-such-group"])))
            }
            #expect(error?.status == 400)
            #expect(error?.message.contains("no-such-group") == true)
        }
    }
}
