import Testing
@testable import MittenCluster

@Suite struct ClusterPlanTests {
    static let flavors = [
        CloudState.Flavor(id: "1", name: "m1.small", vcpus: 1, ramMB: 2048),
        CloudState.Flavor(id: "2", name: "m1.medium", vcpus: 2, ramMB: 4096),
    ]
    static let images = [CloudState.Image(id: "img-1", name: "debian-12")]

    static func server(_ name: String, _ status: String = "ACTIVE", cluster: String? = "checksums", fault: String? = nil) -> CloudState.Server {
        CloudState.Server(id: "id-" + name, name: name, status: status, metadata: cluster.map { ["mitten_cluster": $0] } ?? [:], fault: fault)
    }

    func plan(servers: [CloudState.Server] = [], limits: CloudState.Limits = .init(), keypairs: [CloudState.Keypair] = [],
              groups: [CloudState.SecurityGroup] = [], flavors: [CloudState.Flavor] = flavors, images: [CloudState.Image] = images) throws -> ClusterPlan {
        try ClusterPlan.compute(spec: try Fixtures.spec(), state: CloudState(
            flavors: flavors, images: images, keypairs: keypairs, securityGroups: groups, servers: servers, limits: limits))
    }

    @Test func onAnEmptyCloudEverythingIsCreatedControlFirst() throws {
        let plan = try plan()
        #expect(plan.actions.prefix(5).map(\.description) == [
            "import keypair mitten-checksums (\(Fixtures.userKey.publicKey.sha256Fingerprint))",
            "create security group ssh",
            "add rule tcp 22-22 from 0.0.0.0/0 to security group ssh",
            "create security group mitten-checksums",
            "add rule tcp 1-65535 from members to security group mitten-checksums",
        ])
        #expect(plan.boots.map(\.name) == ["Control-1", "Lister-1", "Checksummer-1", "Checksummer-2", "Checksummer-3"])
        #expect(plan.boots.map(\.role) == ["Control", "Lister", "Checksummer", "Checksummer", "Checksummer"])
        #expect(plan.boots.map(\.flavor.name) == ["m1.small", "m1.small", "m1.medium", "m1.medium", "m1.medium"])
        #expect(plan.boots.allSatisfy { $0.imageID == "img-1" && $0.securityGroups == ["ssh", "mitten-checksums"] })
        #expect(plan.report.contains("  + boot Control-1 (Control, flavor m1.small, image debian-12)"))
        #expect(plan.report.contains("leave alone: nothing"))
    }

    /// The example cluster as `up` leaves it: every VM, the keypair, and its security
    /// groups, the members rule opening `membersPorts`.
    func planAfterUp(membersPorts: ClosedRange<Int> = 1...65535) throws -> ClusterPlan {
        let groups = [
            CloudState.SecurityGroup(id: "g1", name: "ssh", rules: [.init(protocol: "tcp", portMin: 22, portMax: 22, remoteIPPrefix: "0.0.0.0/0", remoteGroupID: nil)]),
            CloudState.SecurityGroup(id: "g2", name: "mitten-checksums", rules: [.init(protocol: "tcp", portMin: membersPorts.lowerBound, portMax: membersPorts.upperBound, remoteIPPrefix: nil, remoteGroupID: "g2")]),
        ]
        let servers = ["Control-1", "Lister-1", "Checksummer-1", "Checksummer-2", "Checksummer-3"].map { Self.server($0) }
        return try plan(servers: servers, keypairs: [.init(name: "mitten-checksums", fingerprint: Fixtures.userKey.publicKey.md5Fingerprint)], groups: groups)
    }

    @Test func afterUpNothingIsLeftToDo() throws {
        let plan = try planAfterUp()
        #expect(plan.isEmpty, "\(plan.report)")
        #expect(plan.existingServers.count == 5)
        #expect(plan.report.hasPrefix("create: nothing"))
        #expect(plan.report.contains("  = server Checksummer-3 (ACTIVE)"))
        #expect(plan.report.contains("  = rule tcp 1-65535 from members in security group mitten-checksums"))
    }

    /// A cluster whose group opened only Control's port to members (mitten before the
    /// services' ephemeral ports were covered) gets the every-port rule added, nothing else.
    @Test func anOlderMembersRuleIsWidened() throws {
        let plan = try planAfterUp(membersPorts: 7647...7647)
        #expect(plan.actions.map { "\($0)" } == ["add rule tcp 1-65535 from members to security group mitten-checksums"])
    }

    /// (existing servers, expected boots): the original's rule is to count what runs and
    /// boot the missing ones with indexes after the highest existing one.
    @Test(arguments: [
        (["Control-1", "Lister-1", "Checksummer-1", "Checksummer-3"], ["Checksummer-4"]),   // Checksummer-2 deleted by hand
        (["Control-1", "Lister-1", "Checksummer-7"], ["Checksummer-8", "Checksummer-9"]),
        (["Lister-1", "Checksummer-1", "Checksummer-2", "Checksummer-3"], ["Control-1"]),
        (["Control-2", "Lister-1", "Checksummer-1", "Checksummer-2", "Checksummer-3", "Checksummer-4"], []),
        (["Control-1", "Lister-1", "Checksummer-1", "Checksummer-2", "Checksummerx-9", "Checksummer-x"], ["Checksummer-3"]),
    ])
    func missingVMsGetIndexesAfterTheHighest(_ names: [String], _ expected: [String]) throws {
        let plan = try plan(servers: names.map { Self.server($0) })
        #expect(plan.boots.map(\.name) == expected)
    }

    @Test func anotherClustersVMsAreNotCountedButTheirNamesAreAvoided() throws {
        let plan = try plan(servers: [Self.server("Control-1"), Self.server("Lister-1"), Self.server("Checksummer-1", cluster: "other")])
        #expect(plan.boots.map(\.name) == ["Checksummer-2", "Checksummer-3", "Checksummer-4"])
    }

    @Test func failedVMsAreDeletedAndReplaced() throws {
        let plan = try plan(servers: ["Control-1", "Lister-1", "Checksummer-1", "Checksummer-2"].map { Self.server($0) }
            + [Self.server("Checksummer-3", "ERROR", fault: "No valid host was found.")])
        #expect(plan.actions.contains(.deleteFailedServer(Self.server("Checksummer-3", "ERROR", fault: "No valid host was found."))))
        #expect(plan.boots.map(\.name) == ["Checksummer-4"])
        #expect(plan.report.contains("change:\n  ~ delete Checksummer-3 (ERROR: No valid host was found.) so that it is replaced"))
    }

    @Test func moreVMsThanAskedForAreLeftAloneWithANote() throws {
        let names = ["Control-1", "Lister-1", "Lister-2"] + (1...3).map { "Checksummer-\($0)" }
        let plan = try plan(servers: names.map { Self.server($0) })
        #expect(plan.boots.isEmpty)
        #expect(plan.notes.first?.contains("group Lister has 2 VMs, the file asks for 1") == true)
    }

    @Test func anExistingRuleIsLeftAloneAndAMissingOneAdded() throws {
        let plan = try plan(groups: [CloudState.SecurityGroup(id: "g1", name: "ssh", rules: [
            .init(protocol: "tcp", portMin: 80, portMax: 80, remoteIPPrefix: "0.0.0.0/0", remoteGroupID: nil),
        ])])
        #expect(plan.actions.contains(.createRule(group: "ssh", rule: SecurityRule(protocol: "tcp", source: .cidr("0.0.0.0/0"), from: 22, to: 22))))
        #expect(!plan.actions.contains(.createSecurityGroup(name: "ssh")))
        #expect(plan.actions.contains(.createSecurityGroup(name: "mitten-checksums")))
    }

    @Test(arguments: [
        (CloudState.Limits(maxInstances: 10, usedInstances: 6), "instances: 6 used + 5 new > 10 allowed"),
        (CloudState.Limits(maxCores: 8, usedCores: 1), "cores: 1 used + 8 new > 8 allowed"),
        (CloudState.Limits(maxRAMMB: 16_383, usedRAMMB: 0), "RAM (MB): 0 used + 16384 new > 16383 allowed"),
    ])
    func quotaIsCheckedAgainstWhatThePlanAdds(_ limits: CloudState.Limits, _ expected: String) {
        #expect { try plan(limits: limits) } throws: { error in
            guard let error = error as? ClusterError else { return false }
            return error.code == .quotaExceeded && error.message.contains(expected) && error.message.contains("Nothing was booted")
        }
    }

    @Test(arguments: [CloudState.Limits(maxInstances: 11, usedInstances: 6), .init(maxInstances: -1, usedInstances: 99), .init(maxCores: 9, usedCores: 1)])
    func quotaThatFitsPasses(_ limits: CloudState.Limits) throws {
        #expect(try plan(limits: limits).boots.count == 5)
    }

    @Test func missingFlavorsAndImageAreErrorsUpFront() {
        #expect { try plan(flavors: [Self.flavors[0]]) } throws: {
            ($0 as? ClusterError)?.code == .missingFlavor && ($0 as? ClusterError)?.message.contains("flavor m1.medium does not exist in the cloud; it has: m1.small") == true
        }
        #expect { try plan(images: [.init(id: "x", name: "ubuntu")]) } throws: {
            ($0 as? ClusterError)?.message.contains("image debian-12 does not exist in the cloud; it has: ubuntu") == true
        }
    }

    @Test func aKeypairWithAnotherKeyIsRefused() {
        #expect { try plan(keypairs: [.init(name: "mitten-checksums", fingerprint: "00:11")]) } throws: {
            ($0 as? ClusterError)?.code == .keypairMismatch
        }
    }
}
