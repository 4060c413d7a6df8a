import ArgumentParser
import Foundation
import Logging
import AsyncHTTPClient
import OpenStackKit
import SwiftStorageKit

extension MittenCommand {
    /// `mitten storage`: OpenStack Swift object storage from the command line.
    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "storage",
            abstract: "Object storage on OpenStack Swift: list, upload, download, inspect, delete, sign URLs.",
            discussion: """
            Credentials, first found wins: v1 auth from --auth-url/--user/--key or MITTEN_SWIFT_AUTH_URL, \
            MITTEN_SWIFT_USER, MITTEN_SWIFT_KEY (or ST_AUTH, ST_USER, ST_KEY); Keystone from --os-cloud, \
            OS_CLOUD or OS_AUTH_URL and friends (the catalog's object-store endpoint, or --storage-url); \
            v1 auth from swift_uri, swift_username (ACCOUNT:USER), swift_key in ~/.power_mitten; \
            Keystone from openstack_* in ~/.power_mitten. Uploads and downloads are streamed and \
            checked against Swift's MD5 ETags; files over the threshold become Static Large Objects.
            """,
            subcommands: [List.self, Put.self, Get.self, Stat.self, Remove.self, MakeContainer.self, TempURL.self]
        )
    }
}

/// Flags every `mitten storage` subcommand shares.
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("auth-url"), help: "Swift v1 auth URL (e.g. http://127.0.0.1:8080/auth/v1.0).")
    var authURL: String?

    @Option(help: "Swift user as ACCOUNT:USER.")
    var user: String?

    @Option(help: "Swift key (prefer the environment or ~/.power_mitten: flags show in `ps`).")
    var key: String?

    @Option(name: .customLong("os-cloud"), help: "Keystone auth with this clouds.yaml cloud (its catalog's object-store endpoint).")
    var osCloud: String?

    @Option(name: .customLong("storage-url"), help: "With Keystone auth: this storage URL instead of the catalog's.")
    var storageURL: String?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Log each request to standard error.")
    var verbose = false

    /// A client built from the resolved credentials.
    func client(largeObjects: LargeObjectPolicy = LargeObjectPolicy()) throws -> SwiftStorageClient {
        var logger = Logger(label: "mitten.storage") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        return SwiftStorageClient(authenticator: try authenticator(logger: logger), httpClient: StorageHTTP.client,
                                  configuration: .init(largeObjects: largeObjects), logger: logger)
    }

    /// v1 or Keystone, in the order the command's help gives.
    func authenticator(logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any SwiftAuthenticator {
        func set(_ value: String?) -> Bool { value.map { !$0.isEmpty } ?? false }
        let explicitV1 = set(authURL) || set(user) || set(key)
            || SwiftV1Credentials.environmentKeys.authURL.contains { set(environment[$0]) }
        let explicitKeystone = set(osCloud) || set(environment["OS_CLOUD"]) || set(environment["OS_AUTH_URL"])
        func keystone() throws -> any SwiftAuthenticator {
            let credentials: Credentials
            do { credentials = try Credentials.resolve(cloud: osCloud, environment: environment) } catch let error as OpenStackError {
                throw ValidationError(error.message)
            }
            // The command's HTTP client: nothing to shut down when the command ends.
            let openStack = OpenStackClient(credentials: credentials, logger: logger, httpClient: StorageHTTP.client)
            return SwiftKeystoneAuthenticator(openStack: openStack, storageURLOverride: storageURL)
        }
        if explicitKeystone, !explicitV1 { return try keystone() }
        do {
            return SwiftV1Authenticator(credentials: try SwiftV1Credentials.resolve(authURL: authURL, user: user, key: key, environment: environment))
        } catch {
            // ~/.power_mitten with openstack_* keys and no swift_* keys: Keystone.
            if !explicitV1, let authenticator = try? keystone() { return authenticator }
            throw error
        }
    }

    /// Prints a value as pretty JSON (sorted keys) on standard output.
    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// `CONTAINER[/PREFIX]` or `CONTAINER/OBJECT` split at the first slash.
struct StoragePath {
    var container: String
    var rest: String?

    init(_ text: String) {
        if let slash = text.firstIndex(of: "/") {
            container = String(text[..<slash])
            let after = String(text[text.index(after: slash)...])
            rest = after.isEmpty ? nil : after
        } else {
            container = text
            rest = nil
        }
    }
}

/// Byte counts for humans: `12.3 MiB`.
func humanBytes(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}

/// Parses `1048576`, `512K`, `10M`, `1G` (powers of 1024) for size flags.
func parseSize(_ text: String) throws -> Int64 {
    let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    var digits = text.uppercased()
    if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
    var multiplier: Int64 = 1
    if let last = digits.last, let found = multipliers[last] { multiplier = found; digits.removeLast() }
    guard let number = Double(digits), number > 0 else {
        throw ValidationError("'\(text)' is not a size: use bytes or a number with K, M, G or T (e.g. 512M)")
    }
    return Int64(number * Double(multiplier))
}

/// Parses `KEY=VALUE` metadata flags.
func parseMetadata(_ pairs: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in pairs {
        guard let equal = pair.firstIndex(of: "="), equal != pair.startIndex else {
            throw ValidationError("metadata '\(pair)' must be KEY=VALUE")
        }
        result[String(pair[..<equal])] = String(pair[pair.index(after: equal)...])
    }
    return result
}

/// The storage commands' HTTP client, set up as OpenStackKit's transport sets up its
/// own (an unreachable Keystone or Swift is reported in seconds). Never shut down: the
/// command exits.
enum StorageHTTP {
    static let client = OpenStackTransport.makeHTTPClient()
}
