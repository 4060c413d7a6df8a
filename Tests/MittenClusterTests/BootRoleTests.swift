import Testing
@testable import MittenCluster

@Suite struct BootRoleTests {
    static let taskFile = VMTaskFile(cluster: "c", controlPort: 7647, tasks: [
        TaskDefinition(name: "GemDownloader", command: ["x"], cpuMultiplier: 2, maximumWorkers: 3, services: []),
        TaskDefinition(name: "Checksummer", command: ["y"], cpuMultiplier: 1, maximumWorkers: nil, services: []),
        TaskDefinition(name: "Half", command: ["z"], cpuMultiplier: 0.5, maximumWorkers: nil, services: []),
    ])

    @Test(arguments: [
        ("GemDownloader-3", "GemDownloader"), ("gemdownloader", "GemDownloader"), ("GEMDOWNLOADER-1", "GemDownloader"),
        ("GemDownloaderTwo", nil), ("Control-1", "Control"), ("control", "Control"), ("Checksummer-12", "Checksummer"),
        ("Gem", nil), ("", nil), ("Checksummer-", "Checksummer"),
    ] as [(String, String?)])
    func matching(_ name: String, _ expected: String?) {
        #expect(RoleMatching.taskType(forServerName: name, among: ["Control"] + Self.taskFile.tasks.map(\.name)) == expected)
    }

    /// (server name, vcpus, --workers, expected workers)
    @Test(arguments: [
        ("GemDownloader-1", 1, 0, 2), ("GemDownloader-1", 4, 0, 3), ("GemDownloader-1", 4, 5, 5),
        ("Checksummer-1", 4, 0, 4), ("Half-1", 1, 0, 1), ("Half-1", 6, 0, 3), ("Control-1", 16, 0, 1),
    ])
    func workerCounts(_ name: String, _ vcpus: Int, _ flag: Int, _ expected: Int) throws {
        let role = try BootRole.decide(serverName: name, taskFile: Self.taskFile, vcpus: vcpus, controlFile: "10.0.0.2:7647\n", workersFlag: flag)
        #expect(role.workers == expected)
        #expect(role.controlAddress == "10.0.0.2:7647")
    }

    @Test func aNameMatchingNothingIsAClearError() {
        #expect {
            try BootRole.decide(serverName: "GemDownloaderTwo-1", taskFile: Self.taskFile, vcpus: 2, controlFile: "a:1")
        } throws: { error in
            guard let error = error as? ClusterError else { return false }
            return error.code == .unknownRole && error.message.contains("GemDownloaderTwo-1") && error.message.contains("Control, GemDownloader, Checksummer, Half")
        }
    }

    @Test func aMissingControlAddressIsAnError() {
        #expect(throws: ClusterError.self) { try BootRole.decide(serverName: "Half-1", taskFile: Self.taskFile, vcpus: 2, controlFile: nil) }
        #expect(throws: ClusterError.self) { try BootRole.decide(serverName: "Half-1", taskFile: Self.taskFile, vcpus: 2, controlFile: " \n") }
    }
}
