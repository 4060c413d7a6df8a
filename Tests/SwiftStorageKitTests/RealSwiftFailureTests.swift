import AsyncHTTPClient
import Foundation
import Logging
import Testing
@testable import SwiftStorageKit

/// Bad input and damage, against real Swift: every failure is a SwiftStorageError that
/// carries Swift's own words where Swift said something.
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(2)))
struct RealSwiftFailureTests {
    @Test func wrongKeyShowsTheServersRefusal() async throws {
        let client = try SwiftLab.client(key: "definitely-wrong")
        await #expect {
            try await client.accountInfo()
        } throws: { error in
            guard let error = error as? SwiftStorageError else { return false }
            // tempauth answers 401 with an HTML body saying "Unauthorized"; it reaches the user verbatim.
            return error.code == .authenticationFailed && error.status == 401
                && error.serverMessage?.contains("Unauthorized") == true && "\(error)".contains("Unauthorized")
                && !"\(error)".contains("definitely-wrong")
        }
    }

    @Test func expiredTokenIsRenewedOnce() async throws {
        let good = try SwiftLab.client()
        let session = try await good.session()
        // A token Swift never issued behaves like an expired one: 401, then v1 auth again.
        let stale = SwiftStaticAuthenticator(session: SwiftSession(storageURL: session.storageURL, token: "AUTH_tk_expired"))
        let client = SwiftStorageClient(authenticator: RenewingAuthenticator(first: stale, then: good.authenticator), logger: SwiftLab.logger)
        _ = try await client.accountInfo()
        #expect(try await client.session().token == session.token)
    }

    @Test func corruptedUploadIsAChecksumError() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            var options = UploadOptions()
            options.corruptAfterHashing = true
            await #expect {
                try await client.upload(.bytes([UInt8](repeating: 7, count: 100_000)), container: container, object: "bad", options: options)
            } throws: { error in
                (error as? SwiftStorageError)?.code == .checksumMismatch
            }
        }
    }

    @Test func corruptedSegmentIsCaughtWhenUploadingAnSLO() async throws {
        let client = try SwiftLab.client(.init(largeObjects: LargeObjectPolicy(threshold: 1 << 20, segmentSize: 1 << 20)))
        let source = try SwiftLab.randomFile(size: 3 << 20)
        defer { try? FileManager.default.removeItem(at: source) }
        try await SwiftLab.withContainer(client) { container in
            var options = UploadOptions()
            options.corruptAfterHashing = true
            await #expect {
                try await client.upload(try .file(source), container: container, object: "bad-slo", options: options)
            } throws: { ($0 as? SwiftStorageError)?.code == .checksumMismatch }
            // The manifest was never written.
            let entries = try await client.objects(in: container).collect()
            #expect(entries.isEmpty)
        }
    }

    @Test func corruptionOnDiskIsCaughtWhenDownloading() async throws {
        let devices = try #require(SwiftLab.environment["MITTEN_TEST_SWIFT_DEVICES"], "MITTEN_TEST_SWIFT_DEVICES is not set: run scripts/test")
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            let marker = "mitten-corruption-marker-\(UUID().uuidString)"
            let bytes = Array((marker + String(repeating: "x", count: 10_000)).utf8)
            try await client.upload(.bytes(bytes), container: container, object: "victim")
            // Flip the last byte of the object's .data file, as a failing disk would.
            let data = try #require(Self.dataFile(containing: marker, under: URL(fileURLWithPath: devices)))
            let handle = try FileHandle(forUpdating: data)
            try handle.seek(toOffset: UInt64(bytes.count - 1))
            try handle.write(contentsOf: [UInt8(ascii: "y")])
            try handle.close()
            await #expect {
                try await client.downloadBytes(container: container, object: "victim")
            } throws: { error in
                (error as? SwiftStorageError)?.code == .checksumMismatch
            }
        }
    }

    static func dataFile(containing marker: String, under root: URL) -> URL? {
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "data", let handle = try? FileHandle(forReadingFrom: url) else { continue }
            defer { try? handle.close() }
            if let head = try? handle.read(upToCount: marker.utf8.count), head == Data(marker.utf8) { return url }
        }
        return nil
    }

    @Test(arguments: ["", "a/b", String(repeating: "c", count: 300)])
    func invalidContainerNames(name: String) async throws {
        let client = try SwiftLab.client()
        await #expect { try await client.createContainer(name) } throws: { ($0 as? SwiftStorageError)?.code == .invalidInput }
    }
}

/// Hands out the first authenticator's session once, then the second's.
struct RenewingAuthenticator: SwiftAuthenticator {
    let first: any SwiftAuthenticator
    let then: any SwiftAuthenticator
    let used = LockedBox<Bool>(false)

    func authenticate(httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession {
        let wasUsed = used.withValue { used in defer { used = true }; return used }
        return try await (wasUsed ? then : first).authenticate(httpClient: httpClient, logger: logger)
    }
}
