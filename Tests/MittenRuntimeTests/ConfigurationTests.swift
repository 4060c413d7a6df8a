import Foundation
import Testing
@testable import MittenRuntime

@Suite struct ConfigurationTests {
    @Test(arguments: [
        ("", [:], [:]),
        ("openstack_auth_url: http://k:5000/v2.0\nswift_key: s3cret\n", ["openstack_auth_url": "http://k:5000/v2.0", "swift_key": "s3cret"], [:]),
        ("keystone_url: http://k\nopenstack_tenant: demo\n", ["openstack_tenant": "demo"], ["keystone_url": "http://k"]),
        ("workers_hint: 4\n", [:], ["workers_hint": "4"]),
    ] as [(String, [String: String], [String: String])])
    func parsesKnownAndPassesUnknownKeys(text: String, credentials: [String: String], options: [String: String]) throws {
        let configuration = try MittenConfiguration.parse(text, path: "/home/u/.power_mitten")
        #expect(configuration.credentials == credentials)
        #expect(configuration.options == options)
    }

    @Test(arguments: [
        ("a: [1, 2\n", "/c:2:"),
        ("a: b\n  c: d: e\n", "/c:2:"),
        ("- just\n- a list\n", "/c:1:"),
        ("ok: 1\nnested:\n  x: 1\n", "/c:3:"),
    ])
    func malformedFilesNameFileAndLine(text: String, prefix: String) {
        #expect { try MittenConfiguration.parse(text, path: "/c") } throws: { error in
            (error as? RuntimeError)?.message.hasPrefix(prefix) == true
        }
    }

    @Test func cloudCredentialsAreRequiredOnlyWhenAskedFor() throws {
        let configuration = try MittenConfiguration.parse("openstack_auth_url: x\n", path: "/p")
        #expect { try configuration.requireCloudCredentials() } throws: { error in
            (error as? RuntimeError)?.message == "missing openstack_tenant in /p"
        }
    }

    @Test func missingFileIsFineUnlessRequired() throws {
        #expect(try MittenConfiguration.load(path: "/nonexistent/.power_mitten", logger: testLogger) == MittenConfiguration())
        #expect(throws: RuntimeError.self) { try MittenConfiguration.load(path: "/nonexistent/.power_mitten", required: true, logger: testLogger) }
    }

    @Test func taskFile() throws {
        let types = try TaskFile.parse("""
        cluster: ignored-here
        tasks:
          - name: Echo
            command: ["/bin/sh", "-c", "echo hi"]
          - name: Checksummer
            command: [checksum, --fast]
            cpu_multiplier: 2
            maximum_workers: 3
            services:
              - { kind: Statistics, name: sums }
        """, path: "mitten.yaml")
        #expect(types == [
            TaskType(name: "Echo", command: ["/bin/sh", "-c", "echo hi"]),
            TaskType(name: "Checksummer", command: ["checksum", "--fast"], cpuMultiplier: 2, maximumWorkers: 3, services: [.init(kind: "Statistics", name: "sums")]),
        ])
    }

    @Test(arguments: [
        ("tasks:\n  - name: A\n", "mitten.yaml:2: task A needs a command:"),
        ("tasks:\n  - name: A\n    command: echo hi\n", "mitten.yaml:3: command: of A must be a list"),
        ("tasks:\n  - name: A\n    command: [x]\n    maximum_workers: -1\n", "mitten.yaml:4: maximum_workers of A"),
        ("tasks: 3\n", "mitten.yaml:1: tasks: must be a list"),
    ])
    func badTaskFiles(text: String, prefix: String) {
        #expect { try TaskFile.parse(text, path: "mitten.yaml") } throws: { error in
            (error as? RuntimeError)?.message.hasPrefix(prefix) == true
        }
    }

    @Test func secretFileIsCreated0600AndLooseOnesAreRefused() throws {
        let path = NSTemporaryDirectory() + "mitten-secret-\(getpid())-\(Int.random(in: 0...1_000_000))/secret"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let created = try ClusterSecret.loadOrCreate(path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let again = try ClusterSecret.loadOrCreate(path: path)
        #expect(again.hex == created.hex)
        #expect(!"\(created)".contains(created.hex))
        chmod(path, 0o644)
        #expect { try ClusterSecret.loadOrCreate(path: path) } throws: { error in
            (error as? RuntimeError)?.code == .secretFile
        }
    }
}

@Suite struct TaskTypeTests {
    static let types = [
        TaskType(name: "GemDownloader", command: ["x"]),
        TaskType(name: "GemDownloaderFast", command: ["x"]),
        TaskType(name: "Control"),
    ]

    @Test(arguments: [
        ("GemDownloader-3", "GemDownloader"),
        ("gemdownloader", "GemDownloader"),
        ("GEMDOWNLOADER-12-b", "GemDownloader"),
        ("GemDownloaderTwo", nil),
        ("GemDownloaderFast-1", "GemDownloaderFast"),
        ("Gem", nil),
        ("control-0", "Control"),
        ("", nil),
        ("-GemDownloader", nil),
    ] as [(String, String?)])
    func roleMatching(vmName: String, expected: String?) {
        #expect(TaskType.match(vmName: vmName, in: Self.types)?.name == expected)
    }

    @Test(arguments: [
        // (requested, cpus, multiplier, maximum, expected)
        (0, 4, 1.0, nil, 4),
        (0, 4, 2.0, nil, 8),
        (0, 4, 2.0, 5, 5),
        (0, 2, 0.5, nil, 1),
        (0, 1, 0.25, nil, 1),
        (3, 4, 1.0, 2, 3),
        (7, 1, 1.0, nil, 7),
    ] as [(Int, Int, Double, Int?, Int)])
    func workerCounts(requested: Int, cpus: Int, multiplier: Double, maximum: Int?, expected: Int) {
        let type = TaskType(name: "T", command: ["x"], cpuMultiplier: multiplier, maximumWorkers: maximum)
        #expect(type.workerCount(requested: requested, cpus: cpus) == expected)
    }

    @Test func controlAlwaysRunsOneWorker() {
        #expect(TaskType(name: "Control").workerCount(requested: 5, cpus: 8) == 1)
    }
}
