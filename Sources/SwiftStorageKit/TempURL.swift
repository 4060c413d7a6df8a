import NIOHTTP1
import NIOCore
import Logging
public import Foundation
import Crypto

/// Signs TempURLs: `METHOD\nEXPIRES\nPATH` with HMAC-SHA256 under the account's key, so
/// that anyone holding the URL (a VM, curl) may GET or PUT that one object until it expires.
public struct TempURLSigner: Sendable {
    /// The methods a TempURL may allow.
    public enum Method: String, Sendable, CaseIterable {
        /// Download.
        case get = "GET"
        /// Upload.
        case put = "PUT"
        /// Read headers.
        case head = "HEAD"
    }

    /// The account's `X-Account-Meta-Temp-URL-Key`. Never logged.
    public var key: String

    /// Creates a signer for the account key.
    public init(key: String) { self.key = key }

    /// The signature (hex HMAC-SHA256) of `method` on `path` (unencoded, `/v1/ACCOUNT/C/O`) until `expires` (Unix seconds).
    public func signature(method: Method, path: String, expires: Int) -> String {
        let message = "\(method.rawValue)\n\(expires)\n\(path)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return mac.hexString
    }

    /// A signed URL for one object of the account at `storageURL`, valid until `expires`.
    public func url(method: Method, storageURL: String, container: String, object: String, expires: Date) throws -> URL {
        guard let base = URLComponents(string: storageURL), let host = base.host else {
            throw SwiftStorageError(.configuration, "the storage URL \(storageURL) is not a URL")
        }
        let accountPath = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        let path = accountPath + "/" + container + "/" + object
        let seconds = Int(expires.timeIntervalSince1970.rounded(.up))
        let signature = signature(method: method, path: path, expires: seconds)
        var text = "\(base.scheme ?? "http")://\(host)"
        if let port = base.port { text += ":\(port)" }
        text += SwiftStorageClient.percentEncode(path, keepSlash: true)
        text += "?temp_url_sig=\(signature)&temp_url_expires=\(seconds)"
        guard let url = URL(string: text) else {
            throw SwiftStorageError(.invalidInput, "cannot build a TempURL for \(container)/\(object)")
        }
        return url
    }
}

extension SwiftStorageClient {
    /// Sets the account's TempURL key (`X-Account-Meta-Temp-URL-Key`).
    public func setTempURLKey(_ key: String) async throws {
        try await setAccountMetadata(["Temp-URL-Key": key])
    }

    /// The account's TempURL key, if one is set.
    public func tempURLKey() async throws -> String? {
        try await accountInfo().metadata["temp-url-key"]
    }

    /// A signed URL for `method` on one object, valid for `lifetime`, using the account's
    /// key (which must be set: see `setTempURLKey`).
    public func tempURL(method: TempURLSigner.Method = .get, container: String, object: String,
                        lifetime: Duration, now: Date = Date()) async throws -> URL {
        try Self.validate(container: container)
        try Self.validate(object: object)
        guard let key = try await tempURLKey() else {
            throw SwiftStorageError(.configuration, "the account has no TempURL key; set one first (mitten storage tempurl --set-key KEY)")
        }
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        return try TempURLSigner(key: key).url(method: method, storageURL: try await session().storageURL,
                                               container: container, object: object, expires: expires)
    }
}
