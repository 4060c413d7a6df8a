import Foundation
public import AsyncHTTPClient
public import Logging
import NIOHTTP1
import NIOCore

/// What authenticating against Swift yields: the account's storage URL and a token.
public struct SwiftSession: Sendable, Equatable {
    /// The account's URL, e.g. `http://127.0.0.1:8080/v1/AUTH_test`.
    public var storageURL: String
    /// The token sent as `X-Auth-Token` on every request. Never logged.
    public var token: String

    /// Creates a session from a storage URL and a token.
    public init(storageURL: String, token: String) {
        self.storageURL = storageURL
        self.token = token
    }
}

/// A way to obtain a `SwiftSession`: v1 (tempauth/swauth style) or Keystone's catalog.
/// The client calls it once, then again (once) whenever Swift answers 401.
public protocol SwiftAuthenticator: Sendable {
    /// Obtains a fresh storage URL and token.
    func authenticate(httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession

    /// Swift refused `session`'s token (401): drop any cached credential so that the next
    /// `authenticate` gets a fresh one. The default does nothing (v1 always asks anew).
    func sessionRejected(_ session: SwiftSession) async
}

extension SwiftAuthenticator {
    /// Does nothing: `authenticate` always obtains a fresh token.
    public func sessionRejected(_ session: SwiftSession) async {}
}

/// Swift's v1 authentication: `GET auth_url` with `X-Auth-User: ACCOUNT:USER` and
/// `X-Auth-Key`, answered by `X-Storage-Url` and `X-Auth-Token` (the original's
/// `swift_uri`, `swift_username`, `swift_key`).
public struct SwiftV1Authenticator: SwiftAuthenticator {
    /// The credentials used.
    public var credentials: SwiftV1Credentials

    /// Creates an authenticator for the given credentials.
    public init(credentials: SwiftV1Credentials) {
        self.credentials = credentials
    }

    /// Performs the v1 exchange; a refusal carries the server's body verbatim.
    public func authenticate(httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession {
        var request = HTTPClientRequest(url: credentials.authURL)
        request.method = .GET
        request.headers.add(name: "X-Auth-User", value: credentials.user)
        request.headers.add(name: "X-Auth-Key", value: credentials.key)
        logger.debug("swift v1 authentication", metadata: ["swift.auth.url": "\(credentials.authURL)", "swift.auth.user": "\(credentials.user)"])
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .seconds(60), logger: logger)
        } catch {
            throw SwiftStorageError(.transport, "cannot reach the Swift auth URL \(credentials.authURL); check that it is right and the proxy runs", underlying: error)
        }
        let body = try await response.body.collect(upTo: 64 * 1024)
        let text = String(buffer: body)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw SwiftStorageError.response(status: Int(response.status.code), body: text, what: "authenticating as \(credentials.user) at \(credentials.authURL)")
        }
        guard let storageURL = response.headers.first(name: "X-Storage-Url"),
              let token = response.headers.first(name: "X-Auth-Token") ?? response.headers.first(name: "X-Storage-Token")
        else {
            throw SwiftStorageError(.server, "the auth URL \(credentials.authURL) answered without X-Storage-Url/X-Auth-Token; is it a Swift v1 auth endpoint?", status: Int(response.status.code))
        }
        return SwiftSession(storageURL: storageURL, token: token)
    }
}

/// A fixed storage URL and token (e.g. a pre-authenticated session handed to a VM).
public struct SwiftStaticAuthenticator: SwiftAuthenticator {
    /// The session always returned.
    public var session: SwiftSession

    /// Creates an authenticator that always returns `session`.
    public init(session: SwiftSession) { self.session = session }

    /// Returns the fixed session.
    public func authenticate(httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession { session }
}
