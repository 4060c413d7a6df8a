import MittenTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import SwiftStorageKit

/// TempURLs (HMAC-SHA256) against real Swift: used without any token, as a VM would.
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(2)), .serialized)
struct RealSwiftTempURLTests {
    static func fetch(_ url: URL, method: HTTPMethod = .GET, body: [UInt8]? = nil) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }

    @Test func signedGetAndPutWorkWithoutCredentials() async throws {
        let client = try SwiftLab.client()
        let key = "mitten-key-\(UUID().uuidString)"
        try await client.setTempURLKey(key)
        #expect(try await client.tempURLKey() == key)
        try await SwiftLab.withContainer(client) { container in
            let name = "bin/mitten ü"
            try await client.upload(.bytes(Array("the binary".utf8)), container: container, object: name)

            let get = try await client.tempURL(container: container, object: name, lifetime: .seconds(600))
            let (status, body) = try await Self.fetch(get)
            #expect(status == 200)
            #expect(body == Array("the binary".utf8))

            // Tampered signature, expired URL, wrong method: all refused by Swift.
            var tampered = get.absoluteString
            let last = tampered.range(of: "temp_url_sig=")!.upperBound
            tampered.replaceSubrange(last...tampered.index(after: last), with: tampered[last] == "0" ? "11" : "00")
            #expect(try await Self.fetch(URL(string: tampered)!).0 == 401)
            let expired = try await client.tempURL(container: container, object: name, lifetime: .seconds(60), now: Date().addingTimeInterval(-3600))
            #expect(try await Self.fetch(expired).0 == 401)
            #expect(try await Self.fetch(get, method: .PUT, body: [1]).0 == 401)
            let unsigned = URL(string: get.absoluteString.components(separatedBy: "?")[0])!
            #expect(try await Self.fetch(unsigned).0 == 401)

            let put = try await client.tempURL(method: .put, container: container, object: "uploaded by a VM", lifetime: .seconds(600))
            #expect(try await Self.fetch(put, method: .PUT, body: Array("from vm".utf8)).0 == 201)
            #expect(try await client.downloadBytes(container: container, object: "uploaded by a VM") == Array("from vm".utf8))
        }
    }

    @Test func signatureMatchesPythonSwiftclient() async throws {
        // python-swiftclient's own generate_temp_url, as an independent implementation.
        let expires = 1_900_000_000
        let path = "/v1/AUTH_test/c/ü x"
        let result = try await runProgram("/usr/bin/env", ["python3", "-c", "import sys; from swiftclient.utils import generate_temp_url; print(generate_temp_url(sys.argv[1], int(sys.argv[2]), 'k3y', 'GET', absolute=True, digest='sha256'))", path, String(expires)])
        let output = result.output
        #expect(result.status == 0)
        let signature = TempURLSigner(key: "k3y").signature(method: .get, path: path, expires: expires)
        #expect(output.contains("temp_url_sig=\(signature)"))
    }
}
