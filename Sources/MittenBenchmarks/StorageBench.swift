import ArgumentParser
import Foundation
import Logging
import SwiftStorageKit

extension BenchCommand {
    /// S1: Swift object storage, mitten versus python-swiftclient against the same server.
    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "storage",
            abstract: "S1: upload/download of one big file and of many small objects, mitten vs python-swiftclient.",
            discussion: """
            Needs a Swift (scripts/lab/30-swift.sh start; source .lab/env): MITTEN_TEST_SWIFT_AUTH_URL, \
            MITTEN_TEST_SWIFT_USER, MITTEN_TEST_SWIFT_KEY; and python-swiftclient (scripts/requirements-test.txt). \
            Each transfer runs in a child process, so its peak RSS is measured alone. Test data is deleted afterwards.
            """)

        @Option(help: "Size of the big file (e.g. 1G).") var size: String = "1G"
        @Option(help: "Number of small objects.") var count: Int = 1000
        @Option(name: .customLong("object-size"), help: "Size of each small object.") var objectSize: String = "64K"
        @Option(help: "Parallel requests for the small objects (python-swiftclient's default is 10).") var concurrency: Int = 10
        @Option(name: .customLong("work-dir"), help: "Where test files go (needs 2 x size free).") var workDirectory: String?

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            guard let authURL = environment["MITTEN_TEST_SWIFT_AUTH_URL"], let user = environment["MITTEN_TEST_SWIFT_USER"],
                  let key = environment["MITTEN_TEST_SWIFT_KEY"] else {
                throw BenchFailure("MITTEN_TEST_SWIFT_AUTH_URL/USER/KEY are not set: run scripts/lab.sh start and source .lab/env")
            }
            let bigSize = try BenchSize.parse(size)
            let smallSize = try BenchSize.parse(objectSize)
            let work = URL(fileURLWithPath: workDirectory ?? NSTemporaryDirectory()).appendingPathComponent("mitten-bench-storage-\(getpid())")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let credentials = SwiftV1Credentials(authURL: authURL, user: user, key: key)
            var logger = Logger(label: "mitten-bench.storage")
            logger.logLevel = .warning
            let client = SwiftStorageClient(authenticator: SwiftV1Authenticator(credentials: credentials), logger: logger)
            let bench = StorageBenchRun(work: work, credentials: credentials, client: client, concurrency: concurrency)
            defer { try? FileManager.default.removeItem(at: work) }
            do {
                try await bench.prepare(bigSize: bigSize, count: count, smallSize: smallSize)
                print("S1 storage: \(humanSize(bigSize)) file; \(count) x \(humanSize(smallSize)) objects; \(concurrency) parallel requests for small objects")
                print("client              transfer          seconds      MB/s   objects/s   peak RSS")
                for tool in StorageBenchRun.Tool.allCases {
                    for row in try await bench.measure(tool, bigSize: bigSize, count: count, smallSize: smallSize) { print(row) }
                }
            } catch {
                await bench.cleanUp()
                throw error
            }
            await bench.cleanUp()
        }
    }

    /// Hidden: one transfer for `storage`, run in a child process so its RSS is its own.
    struct StorageTransfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "storage-transfer", shouldDisplay: false)

        @Argument var mode: String
        @Argument var container: String
        @Argument var path: String
        @Option var concurrency: Int = 10

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let credentials = SwiftV1Credentials(authURL: environment["MITTEN_TEST_SWIFT_AUTH_URL"] ?? "",
                                                 user: environment["MITTEN_TEST_SWIFT_USER"] ?? "", key: environment["MITTEN_TEST_SWIFT_KEY"] ?? "")
            var logger = Logger(label: "mitten-bench.storage")
            logger.logLevel = .warning
            let client = SwiftStorageClient(authenticator: SwiftV1Authenticator(credentials: credentials), logger: logger)
            try await StorageBenchRun.transfer(client: client, mode: mode, container: container, path: path, concurrency: concurrency)
        }
    }
}

/// `512K`, `64M`, `1G`.
enum BenchSize {
    static func parse(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.uppercased()
        var multiplier: Int64 = 1
        if let last = digits.last, let unit = units[last] { multiplier = unit; digits.removeLast() }
        guard let value = Int64(digits), value > 0 else { throw ValidationError("'\(text)' is not a size (e.g. 64K, 1G)") }
        return value * multiplier
    }
}

func humanSize(_ bytes: Int64) -> String {
    if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) B"
}
