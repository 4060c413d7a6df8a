import NIOHTTP1
import ArgumentParser
import Foundation
import Logging
import OpenStackKit

extension BenchCommand {
    /// K1: the warm token path. N authenticated GETs against a real Keystone through one
    /// `OpenStackClient`, once with pooled keep-alive connections and once with
    /// `Connection: close` on every request; prints the rate of each and how many
    /// authentications were made (one per client expected).
    struct Keystone: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keystone",
            abstract: "K1: N authenticated GETs against real Keystone, with and without connection reuse.")

        @Option(help: "Authenticated GETs per run.")
        var count = 1000

        @Option(help: "Requests in flight at once.")
        var concurrency = 1

        @Option(help: "Identity API path to GET (relative to the identity endpoint).")
        var path = "/auth/projects"

        @Option(name: .customLong("os-cloud"), help: "A cloud from clouds.yaml (else OS_* variables, else the lab's MITTEN_TEST_KEYSTONE_*).")
        var cloud: String?

        func run() async throws {
            var logger = Logger(label: "mitten-bench.keystone")
            logger.logLevel = .warning
            let credentials = try Self.credentials(cloud: cloud)
            print("K1 keystone: \(count) authenticated GET \(path), concurrency \(concurrency), \(credentials)")
            for reuse in [true, false] {
                var configuration = OpenStackClient.Configuration()
                configuration.transport.reuseConnections = reuse
                let client = OpenStackClient(credentials: credentials, configuration: configuration, logger: logger)
                do {
                    _ = try await client.token()
                    let started = ContinuousClock.now
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        var next = 0
                        for _ in 0..<max(1, min(concurrency, count)) {
                            group.addTask { [path] in _ = try await client.send(service: "identity", method: .GET, path: path) }
                            next += 1
                        }
                        while try await group.next() != nil {
                            if next < count {
                                group.addTask { [path] in _ = try await client.send(service: "identity", method: .GET, path: path) }
                                next += 1
                            }
                        }
                    }
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    let authentications = await client.tokens.authenticationCount
                    let label = reuse ? "connection reuse  " : "no reuse (close)  "
                    let rate = String(format: "%.2f s = %.1f req/s", seconds, Double(count) / seconds)
                    print("  \(label): \(count) requests in \(rate); authentications: \(authentications); HTTP requests in all: \(client.requestCount)")
                    try await client.shutdown()
                } catch {
                    try? await client.shutdown()
                    throw error
                }
            }
        }

        static func credentials(cloud: String?) throws -> Credentials {
            let environment = ProcessInfo.processInfo.environment
            if cloud == nil, environment["OS_AUTH_URL"] == nil, environment["OS_CLOUD"] == nil,
               let url = environment["MITTEN_TEST_KEYSTONE_URL"], let user = environment["MITTEN_TEST_KEYSTONE_USER"],
               let password = environment["MITTEN_TEST_KEYSTONE_PASSWORD"], let project = environment["MITTEN_TEST_KEYSTONE_PROJECT"],
               let domain = environment["MITTEN_TEST_KEYSTONE_DOMAIN"] {
                return Credentials(authURL: url, username: user, password: Secret(password), userDomainName: domain,
                                   projectName: project, projectDomainName: domain)
            }
            return try Credentials.resolve(cloud: cloud)
        }
    }
}
