import Foundation

/// The one error OpenStackKit throws: a `code` saying what kind of failure it is, a
/// `message` that says what to do (for a server's refusal, the server's own message,
/// verbatim), and where known the HTTP status, the service and the request id.
///
/// Never carries a secret: messages are built from server bodies (which never echo a
/// password or token back) and from names, never from `Credentials` secrets.
public struct OpenStackError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum, so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case http, authenticationFailed, unauthorized, notFound, conflict, overLimit, badRequest
            case connection, timeout, invalidResponse, endpointNotFound, invalidCredentials
            case userDataTooLarge, serverFault, microversionUnsupported, notOnOpenStackVM, waitTimedOut
            case fingerprintMismatch
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Any HTTP error status not covered by a more specific code.
        public static let http = Code(.http)
        /// Keystone refused the credentials (wrong password, unknown user or project, expired secret).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// A service answered 401 even after one re-authentication.
        public static let unauthorized = Code(.unauthorized)
        /// 404: the resource does not exist.
        public static let notFound = Code(.notFound)
        /// 409: the request conflicts with the resource's state.
        public static let conflict = Code(.conflict)
        /// 413/429 or a quota (`overLimit`) refusal that outlasted the retries.
        public static let overLimit = Code(.overLimit)
        /// 400: the server refused the request as invalid (its message says why).
        public static let badRequest = Code(.badRequest)
        /// The connection failed or was reset.
        public static let connection = Code(.connection)
        /// The request timed out.
        public static let timeout = Code(.timeout)
        /// The server's answer could not be understood.
        public static let invalidResponse = Code(.invalidResponse)
        /// The service catalog has no endpoint for the requested type, interface or region.
        public static let endpointNotFound = Code(.endpointNotFound)
        /// The credentials are incomplete or contradictory (nothing was sent).
        public static let invalidCredentials = Code(.invalidCredentials)
        /// `user_data` is larger than Nova accepts once base64-encoded (nothing was sent).
        public static let userDataTooLarge = Code(.userDataTooLarge)
        /// A server went to ERROR; the message is Nova's `fault.message`.
        public static let serverFault = Code(.serverFault)
        /// The compute API does not support the requested microversion.
        public static let microversionUnsupported = Code(.microversionUnsupported)
        /// The metadata service did not answer: this is not an OpenStack VM.
        public static let notOnOpenStackVM = Code(.notOnOpenStackVM)
        /// A wait for a status did not finish in the time allowed.
        public static let waitTimedOut = Code(.waitTimedOut)
        /// A keypair exists with the same name but a different public key.
        public static let fingerprintMismatch = Code(.fingerprintMismatch)

        /// A short name for the code, used in `description`.
        public var description: String { String(describing: value) }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do; a server's own message verbatim where it sent one.
    public var message: String
    /// The HTTP status, when the failure is a server's answer.
    public var status: Int?
    /// The OpenStack service that answered (`identity`, `compute`, `network`, `image`, `metadata`).
    public var service: String?
    /// The server's request id (`X-Openstack-Request-Id` / `X-Compute-Request-Id`), for its operators.
    public var requestID: String?
    /// The underlying error (a connection failure, a decoding error), if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, status: Int? = nil, service: String? = nil,
                requestID: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.service = service
        self.requestID = requestID
        self.underlying = underlying
    }

    /// `service HTTP status (code): message [request id]`.
    public var description: String {
        var parts: [String] = []
        if let service { parts.append(service) }
        if let status { parts.append("HTTP \(status)") }
        parts.append("(\(code))")
        var text = parts.joined(separator: " ") + ": " + message
        if let requestID { text += " [request \(requestID)]" }
        return text
    }
}
