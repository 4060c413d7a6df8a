public import AsyncHTTPClient
public import Logging
public import OpenStackKit
import Foundation

/// Keystone authentication for Swift: the token comes from OpenStackKit's token cache
/// (shared with the other OpenStack clients), the storage URL from the catalog's
/// `object-store` endpoint (interface and region from the credentials), or an override.
public struct SwiftKeystoneAuthenticator: SwiftAuthenticator {
    /// The OpenStack client whose token and catalog are used.
    public let openStack: OpenStackClient
    /// A storage URL to use instead of the catalog's (e.g. `http://host:8080/v1/AUTH_<project>`).
    public var storageURLOverride: String?

    /// Creates an authenticator over an existing OpenStack client.
    public init(openStack: OpenStackClient, storageURLOverride: String? = nil) {
        self.openStack = openStack
        self.storageURLOverride = storageURLOverride
    }

    /// The current Keystone token and the object-store endpoint of its catalog.
    public func authenticate(httpClient: HTTPClient, logger: Logger) async throws -> SwiftSession {
        let token: Token
        do {
            token = try await openStack.token()
        } catch {
            throw SwiftStorageError(.authenticationFailed, "Keystone authentication for Swift failed; check the OpenStack credentials", underlying: error)
        }
        let storageURL: String
        if let storageURLOverride {
            storageURL = storageURLOverride
        } else {
            do {
                storageURL = try await openStack.endpoint(for: "object-store")
            } catch {
                throw SwiftStorageError(.configuration, "the Keystone catalog has no usable object-store endpoint; ask the cloud's operator, or pass the storage URL", underlying: error)
            }
        }
        return SwiftSession(storageURL: storageURL, token: token.id.revealed)
    }

    /// Tells the token cache that Swift refused this token, so the next one is new.
    public func sessionRejected(_ session: SwiftSession) async {
        if let cached = await openStack.tokens.cachedToken, cached.id.revealed == session.token {
            await openStack.tokens.reject(cached)
        }
    }
}
