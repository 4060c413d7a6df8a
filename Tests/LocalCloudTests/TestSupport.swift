import Foundation
import MittenTestSupport
import Logging
import Testing
@testable import LocalCloud

/// A local cloud served in-process on an ephemeral port, with its own data directory and
/// its own 127.0.X.0/24 (so parallel test runs never share addresses).
struct TestCloud {
    let endpoint: LocalCloud.Endpoint
    let dataDirectory: URL

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lc-test-\(randomHex(6))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func configuration(_ edit: (inout LocalCloud.Configuration) -> Void = { _ in }) -> LocalCloud.Configuration {
        var configuration = LocalCloud.Configuration()
        configuration.fixedAddressPrefix = "127.0.\(Int.random(in: 30...230))"
        configuration.floatingAddressPrefix = "127.1.\(Int.random(in: 30...230))"
        edit(&configuration)
        return configuration
    }

    /// Runs `body` against a cloud; stops it (killing its servers' processes) afterwards.
    static func with<T: Sendable>(_ configuration: LocalCloud.Configuration, dataDirectory: URL = temporaryDirectory(),
                                  _ body: @Sendable (TestCloud) async throws -> T) async throws -> T {
        var logger = Logger(label: "localcloud.test")
        logger.logLevel = .warning
        let cloud = LocalCloud(configuration: configuration, dataDirectory: dataDirectory, logger: logger)
        let (stream, continuation) = AsyncStream<LocalCloud.Endpoint>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cloud.run { _ = continuation.yield($0) } }
            var iterator = stream.makeAsyncIterator()
            guard let endpoint = await iterator.next() else { throw LocalCloudError(.startup, "the test cloud did not start") }
            do {
                let result = try await body(TestCloud(endpoint: endpoint, dataDirectory: dataDirectory))
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// The environment python-openstackclient needs (and nothing from the caller's OS_*).
    var clientEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OS_") }
        let c = endpoint.credentials
        environment.merge(["OS_AUTH_URL": endpoint.authURL, "OS_IDENTITY_API_VERSION": "3", "OS_USERNAME": c.username,
                           "OS_PASSWORD": c.password, "OS_PROJECT_NAME": c.projectName, "OS_USER_DOMAIN_NAME": "Default",
                           "OS_PROJECT_DOMAIN_NAME": "Default", "OS_REGION_NAME": "RegionOne"]) { $1 }
        return environment
    }

    /// Runs `openstack ARGS`; returns status, stdout and stderr.
    func openstack(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await run(["/usr/bin/env", "openstack"] + arguments, environment: clientEnvironment)
    }

    /// Runs `openstack ARGS -f json` and parses the output, failing the test with stderr otherwise.
    func openstackJSON(_ arguments: [String]) async throws -> Any {
        let result = try await openstack(arguments + ["-f", "json"])
        guard result.status == 0 else { throw TestFailure("openstack \(arguments.joined(separator: " ")) failed: \(result.err)") }
        return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
    }

    /// A server's directory.
    func serverDirectory(_ id: String) -> URL { dataDirectory.appendingPathComponent("servers/\(id)") }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a program to completion, off the cooperative pool (MittenTestSupport).
func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> (status: Int32, out: String, err: String) {
    let result = try await runProgram(arguments[0], Array(arguments.dropFirst()), environment: environment)
    return (result.status, result.output, result.error)
}

/// Makes an ed25519 key pair with ssh-keygen; returns the private key path and public key line.
func makeKeyPair(in directory: URL, name: String) async throws -> (path: String, publicKey: String) {
    let path = directory.appendingPathComponent(name).path
    let result = try await run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
    guard result.status == 0 else { throw TestFailure("ssh-keygen failed: \(result.err)") }
    let publicKey = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    return (path, publicKey)
}

/// Sends one HTTP request with curl; returns status, headers (lowercased) and body.
func curl(_ method: String, _ url: String, token: String? = nil, json: String? = nil, headers: [String] = []) async throws -> (status: Int, headers: [String: String], body: String) {
    var arguments = ["/usr/bin/curl", "-s", "-i", "-X", method, url]
    if let token { arguments += ["-H", "X-Auth-Token: \(token)"] }
    if let json { arguments += ["-H", "Content-Type: application/json", "--data", json] }
    for header in headers { arguments += ["-H", header] }
    let result = try await run(arguments)
    let parts = result.out.components(separatedBy: "\r\n\r\n")
    let head = parts.first ?? "", body = parts.dropFirst().joined(separator: "\r\n\r\n")
    let lines = head.components(separatedBy: "\r\n")
    let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    var fields: [String: String] = [:]
    for line in lines.dropFirst() {
        if let colon = line.firstIndex(of: ":") {
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return (status, fields, body)
}

/// A v3 token for the cloud's user (through curl).
func v3Token(_ cloud: TestCloud) async throws -> String {
    let c = cloud.endpoint.credentials
    let body = #"{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"\#(c.username)","domain":{"name":"Default"},"password":"\#(c.password)"}}},"scope":{"project":{"name":"\#(c.projectName)","domain":{"name":"Default"}}}}}"#
    let response = try await curl("POST", cloud.endpoint.authURL + "/auth/tokens", json: body)
    guard response.status == 201, let token = response.headers["x-subject-token"] else {
        throw TestFailure("v3 auth failed: \(response.status) \(response.body)")
    }
    return token
}
