/// The one error type of MittenRuntime: a stable ``Code`` and a message that says
/// what to do. Messages never contain secrets.
public struct RuntimeError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable error code; compare with the static members (`.timeout`, ...).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, Sendable {
            case timeout, cancelled, connectionClosed, connectFailed, handshakeFailed
            case frameTooLarge, malformedFrame, unknownService, unknownMethod, remote
            case badPayload, configuration, secretFile, notFound, spawnFailed, usage
            case internalError
            case invalidName, itemTooLarge, unknownLease, expiredLease, staleToken, lockBusy
            case serviceRunning, dataDirectoryUnusable, databaseCorrupt, storageFailed, invalidArgument
        }
        fileprivate let value: Value
        /// The code's wire name, e.g. `unknown_method`'s spelling `unknownMethod`.
        public var name: String { value.rawValue }
        public var description: String { value.rawValue }
        /// Builds a code from its wire name; unknown names become ``remote``.
        public init(name: String) { value = Value(rawValue: name) ?? .remote }
        fileprivate init(_ value: Value) { self.value = value }

        /// A call or wait did not finish within its time limit.
        public static let timeout = Code(.timeout)
        /// The calling task was cancelled.
        public static let cancelled = Code(.cancelled)
        /// The connection closed while a call was pending.
        public static let connectionClosed = Code(.connectionClosed)
        /// No connection could be made to the address.
        public static let connectFailed = Code(.connectFailed)
        /// A peer did not prove knowledge of the cluster secret.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// A frame was larger than the configured cap.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// Bytes on the wire were not a valid frame.
        public static let malformedFrame = Code(.malformedFrame)
        /// A call named a service the server does not host.
        public static let unknownService = Code(.unknownService)
        /// A call named a method the service's dispatch table lacks.
        public static let unknownMethod = Code(.unknownMethod)
        /// The remote method threw an error of its own.
        public static let remote = Code(.remote)
        /// A payload could not be encoded or decoded.
        public static let badPayload = Code(.badPayload)
        /// A configuration or task file is invalid.
        public static let configuration = Code(.configuration)
        /// The cluster secret file is missing, unreadable or too open.
        public static let secretFile = Code(.secretFile)
        /// A named thing (registry entry, task type, service kind) does not exist.
        public static let notFound = Code(.notFound)
        /// A process could not be started.
        public static let spawnFailed = Code(.spawnFailed)
        /// The command line was used wrongly.
        public static let usage = Code(.usage)
        /// A shared-service name that is empty, too long, or could escape the data directory.
        public static let invalidName = Code(.invalidName)
        /// A queue item or store value over the per-item cap (``ServiceLimits/maximumItemBytes``).
        public static let itemTooLarge = Code(.itemTooLarge)
        /// A queue lease never handed out, or whose item is gone.
        public static let unknownLease = Code(.unknownLease)
        /// A queue lease that ran out, was given back, or was superseded by a later delivery.
        public static let expiredLease = Code(.expiredLease)
        /// A mutex fencing token that is not the current holder's.
        public static let staleToken = Code(.staleToken)
        /// `try_lock` found the mutex held by someone else.
        public static let lockBusy = Code(.lockBusy)
        /// Another process already serves this service name from the same data directory.
        public static let serviceRunning = Code(.serviceRunning)
        /// The data directory cannot be created, read or written.
        public static let dataDirectoryUnusable = Code(.dataDirectoryUnusable)
        /// A service database file that SQLite cannot read (left untouched).
        public static let databaseCorrupt = Code(.databaseCorrupt)
        /// A write to a service database failed; the service stops accepting changes.
        public static let storageFailed = Code(.storageFailed)
        /// An argument out of range (a zero lease, a non-positive count, ...).
        public static let invalidArgument = Code(.invalidArgument)
        /// A bug in mitten; please report it.
        public static let internalError = Code(.internalError)
    }

    /// What went wrong, as a stable code.
    public var code: Code
    /// What went wrong and what to do, for a person.
    public var message: String
    /// For errors that came back over the wire: the code name the remote side sent
    /// (useful when it is a service's own code, such as `lockBusy`).
    public var remoteCode: String?

    /// Creates an error with a code and a message that says what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
