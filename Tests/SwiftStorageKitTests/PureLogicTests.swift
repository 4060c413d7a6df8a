import Foundation
import Crypto
import NIOCore
import Testing
@testable import SwiftStorageKit

@Suite struct ContentTypeTests {
    @Test(arguments: [
        ("a.txt", "text/plain"), ("dir/x.JSON", "application/json"), ("rails-7.0.gem", "application/octet-stream"),
        ("archive.tar.gz", "application/gzip"), ("noext", "application/octet-stream"), (".hidden", "application/octet-stream"),
        ("dir.d/file", "application/octet-stream"), ("photo.jpeg", "image/jpeg"),
    ])
    func guessesByExtension(name: String, type: String) {
        #expect(ContentTypes.guess(forName: name) == type)
    }
}

@Suite struct SegmentVerifierTests {
    static func md5(_ bytes: [UInt8]) -> String { Insecure.MD5.hash(data: bytes).hexString }

    @Test(arguments: [1, 3, 7, 100])
    func acceptsSegmentsWhateverTheChunking(chunk: Int) throws {
        let data = (0..<25).map { UInt8($0) }
        var verifier = SegmentVerifier(parts: [.init(bytes: 10, md5: Self.md5(Array(data[0..<10]))),
                                               .init(bytes: 10, md5: Self.md5(Array(data[10..<20]))),
                                               .init(bytes: 5, md5: Self.md5(Array(data[20..<25])))])
        for start in stride(from: 0, to: data.count, by: chunk) {
            try verifier.update(ByteBuffer(bytes: data[start..<min(start + chunk, data.count)]), what: "test")
        }
        try verifier.finish(what: "test")
    }

    @Test func namesTheSegmentThatDiffers() {
        var verifier = SegmentVerifier(parts: [.init(bytes: 2, md5: Self.md5([1, 2])), .init(bytes: 2, md5: Self.md5([3, 4]))])
        #expect {
            try verifier.update(ByteBuffer(bytes: [1, 2, 3, 5]), what: "test")
        } throws: { error in
            let error = error as? SwiftStorageError
            return error?.code == .checksumMismatch && error?.message.contains("segment 2 of 2") == true
        }
    }

    @Test func detectsTruncation() throws {
        var verifier = SegmentVerifier(parts: [.init(bytes: 3, md5: Self.md5([1, 2, 3]))])
        try verifier.update(ByteBuffer(bytes: [1, 2]), what: "test")
        #expect(throws: SwiftStorageError.self) { try verifier.finish(what: "test") }
    }

    @Test func emptyObject() throws {
        var verifier = SegmentVerifier(parts: [.init(bytes: 0, md5: "d41d8cd98f00b204e9800998ecf8427e")])
        try verifier.finish(what: "test")
    }
}

@Suite struct LargeObjectPolicyTests {
    @Test(arguments: [
        // (threshold, segment, object size, max segments, expected segment size)
        (Int64(100), Int64?.none, Int64(1000), 1000, Int64(100)),
        (Int64(100), Int64?(30), Int64(1000), 1000, Int64(30)),
        (Int64(100), Int64?(30), Int64(1000), 10, Int64(100)),
        (Int64(1 << 30), Int64?.none, Int64(10) << 40, 1000, Int64(10_995_116_278)),
    ])
    func segmentSize(threshold: Int64, segment: Int64?, size: Int64, maxSegments: Int, expected: Int64) {
        var limits = ClusterLimits()
        limits.maximumSegments = maxSegments
        limits.maximumFileSize = 1 << 50
        let policy = LargeObjectPolicy(threshold: threshold, segmentSize: segment)
        #expect(policy.segmentSize(forObjectOfSize: size, limits: limits) == expected)
    }
}

@Suite struct AddressingTests {
    @Test func encodesNames() {
        let url = SwiftStorageClient.url("http://h:8080/v1/AUTH_t", "my c", "dir/ü x?.txt", [("prefix", "a b/"), ("format", "json")])
        #expect(url == "http://h:8080/v1/AUTH_t/my%20c/dir/%C3%BC%20x%3F.txt?prefix=a%20b%2F&format=json")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/v1/AUTH_test", "http://127.0.0.1:8080/info"),
        ("https://swift.example/object/v1/AUTH_x", "https://swift.example/object/info"),
    ])
    func infoURL(storage: String, info: String) {
        #expect(SwiftStorageClient.infoURL(storageURL: storage) == info)
    }

    @Test func tempURLSignatureMatchesTheDefinition() throws {
        let signer = TempURLSigner(key: "secret")
        let url = try signer.url(method: .get, storageURL: "http://127.0.0.1:8080/v1/AUTH_test", container: "c", object: "o x",
                                 expires: Date(timeIntervalSince1970: 1_700_000_000))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("GET\n1700000000\n/v1/AUTH_test/c/o x".utf8), using: SymmetricKey(data: Array("secret".utf8)))
        #expect(url.absoluteString == "http://127.0.0.1:8080/v1/AUTH_test/c/o%20x?temp_url_sig=\(mac.hexString)&temp_url_expires=1700000000")
    }
}

@Suite struct CredentialResolutionTests {
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("power_mitten-\(UUID().uuidString)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func flagsBeatEnvironmentBeatFile() throws {
        let file = try Self.file("swift_uri: http://file/auth/v1.0\nswift_username: f:u\nswift_key: fk\nopenstack_tenant: t\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try SwiftV1Credentials.resolve(environment: [:], configurationFile: file)
        #expect(fromFile == SwiftV1Credentials(authURL: "http://file/auth/v1.0", user: "f:u", key: "fk"))
        let fromEnv = try SwiftV1Credentials.resolve(environment: ["ST_AUTH": "http://st", "ST_USER": "s:u", "MITTEN_SWIFT_KEY": "mk", "ST_KEY": "sk"], configurationFile: file)
        #expect(fromEnv == SwiftV1Credentials(authURL: "http://st", user: "s:u", key: "mk"))
        let fromFlags = try SwiftV1Credentials.resolve(authURL: "http://flag", key: "flagkey", environment: ["ST_USER": "s:u"], configurationFile: file)
        #expect(fromFlags == SwiftV1Credentials(authURL: "http://flag", user: "s:u", key: "flagkey"))
    }

    @Test func missingPiecesSayWhatToDo() {
        let missing = URL(fileURLWithPath: "/nonexistent/.power_mitten")
        #expect {
            try SwiftV1Credentials.resolve(environment: ["ST_AUTH": "http://x", "ST_USER": "a:b"], configurationFile: missing)
        } throws: { error in
            (error as? SwiftStorageError)?.code == .configuration && "\(error)".contains("swift_key")
        }
        #expect(throws: SwiftStorageError.self) {
            try SwiftV1Credentials.resolve(environment: ["ST_AUTH": "http://x", "ST_USER": "nocolon", "ST_KEY": "k"], configurationFile: missing)
        }
    }
}
