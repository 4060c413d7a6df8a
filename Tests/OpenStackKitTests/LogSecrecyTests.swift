import Foundation
import Logging
import NIOHTTP1
@testable import OpenStackKit
import Synchronization
import Testing

/// Collects every log record in memory, so that a test can read what would be logged.
final class CollectedLogs: Sendable {
    struct Record: Sendable {
        var message: String
        var metadata: [String: String]
    }
    let records = Mutex<[Record]>([])

    func handler(label: String) -> some LogHandler { Handler(sink: self) }

    struct Handler: LogHandler {
        let sink: CollectedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            var all = metadata
            event.metadata?.forEach { all[$0.key] = $0.value }
            let record = Record(message: event.message.description, metadata: all.mapValues { $0.description })
            sink.records.withLock { $0.append(record) }
        }
    }
}

@Suite(.enabled(if: !Lab.skipRequested, "MITTEN_SKIP_REAL_OPENSTACK=1: real Keystone tests skipped"), .timeLimit(.minutes(5)))
struct LogSecrecyTests {
    @Test func debugLogsShowMethodPathStatusDurationAndNoSecret() async throws {
        let logs = CollectedLogs()
        var logger = Logger(label: "secrecy") { logs.handler(label: $0) }
        logger.logLevel = .trace
        let credentials = try Lab.userCredentials()
        let client = OpenStackClient(credentials: credentials, logger: logger)
        let token = try await client.token()
        _ = try await client.send(service: "identity", method: .GET, path: "/auth/projects")
        var wrong = credentials
        wrong.password = Secret("wrong-\(UUID().uuidString)")
        let failing = OpenStackClient(credentials: wrong, logger: logger)
        let error = await #expect(throws: OpenStackError.self) { try await failing.token() }
        try await client.shutdown()
        try await failing.shutdown()

        let records = logs.records.withLock { $0 }
        let requestLines = records.filter { $0.message == "openstack request" }
        #expect(requestLines.count == 3)
        for line in requestLines {
            #expect(Set(line.metadata.keys) == ["openstack.request.method", "openstack.request.path",
                                                "openstack.response.status", "openstack.request.duration"])
        }
        #expect(requestLines.map { $0.metadata["openstack.request.path"] } == ["/v3/auth/tokens", "/v3/auth/projects", "/v3/auth/tokens"])
        let everything = records.map { $0.message + " " + $0.metadata.description }.joined(separator: "\n")
            + "\n" + String(describing: error) + String(describing: credentials) + String(describing: token)
        for secret in [credentials.password!.revealed, wrong.password!.revealed, token.id.revealed] {
            #expect(!everything.contains(secret))
        }
    }
}
