import NIOHTTP1
import NIOCore
import Logging
import Foundation

/// The one error type of SwiftStorageKit: a `code` to branch on, a `message` that
/// says what happened and what to do, and, when Swift answered, its HTTP status and
/// its response body verbatim (the server's own words, e.g. tempauth's 401 text).
public struct SwiftStorageError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum so that kinds can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case authenticationFailed, notFound, conflict, checksumMismatch
            case server, transport, invalidInput, configuration, localFile
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The credentials were refused (401/403) even after re-authenticating.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The account, container or object does not exist (404).
        public static let notFound = Code(.notFound)
        /// The request conflicts with the current state, e.g. deleting a non-empty container (409).
        public static let conflict = Code(.conflict)
        /// The MD5 of the bytes sent or received differs from the ETag Swift reported.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// Swift answered with an unexpected status (often 5xx after all retries).
        public static let server = Code(.server)
        /// The connection failed (refused, reset, timed out) after all retries.
        public static let transport = Code(.transport)
        /// The caller passed something Swift cannot accept (bad name, bad size, ...).
        public static let invalidInput = Code(.invalidInput)
        /// Credentials or settings are missing or malformed.
        public static let configuration = Code(.configuration)
        /// A local file could not be read or written.
        public static let localFile = Code(.localFile)

        /// The code's name, e.g. `notFound`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human sentence: what failed and what to do about it.
    public var message: String
    /// The HTTP status Swift answered with, if it answered.
    public var status: Int?
    /// Swift's response body, verbatim (trimmed), if it sent one.
    public var serverMessage: String?
    /// The lower-level error (connection, file system), if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil, serverMessage: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.serverMessage = serverMessage
        self.underlying = underlying
    }

    /// The message, the status and the server's own words, on one line.
    public var description: String {
        var text = message
        if let status { text += " (HTTP \(status))" }
        if let serverMessage, !serverMessage.isEmpty { text += ": \(serverMessage)" }
        if serverMessage == nil, let underlying { text += ": \(underlying)" }
        return text
    }
}

extension SwiftStorageError {
    /// Maps a non-success response to an error; `what` names the operation ("HEAD container logs").
    static func response(status: Int, body: String, what: String) -> SwiftStorageError {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = trimmed.isEmpty ? nil : String(trimmed.prefix(2000))
        switch status {
        case 401, 403:
            return SwiftStorageError(.authenticationFailed, "\(what): Swift refused the credentials; check the user (ACCOUNT:USER) and key", status: status, serverMessage: server)
        case 404:
            return SwiftStorageError(.notFound, "\(what): not found; check the container and object names", status: status, serverMessage: server)
        case 409:
            return SwiftStorageError(.conflict, "\(what): conflict; a container must be empty before it is deleted (delete its objects first, or use --recursive)", status: status, serverMessage: server)
        case 411, 400, 412, 413, 416, 422:
            return SwiftStorageError(.invalidInput, "\(what): Swift rejected the request", status: status, serverMessage: server)
        default:
            return SwiftStorageError(.server, "\(what): Swift answered with an error; retry later or check the proxy's log", status: status, serverMessage: server)
        }
    }
}
