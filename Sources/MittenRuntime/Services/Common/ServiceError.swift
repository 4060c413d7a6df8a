/// An error from a shared service (Queue, Mutex, Store): a stable `code` that scripts
/// and the CLI map to exit codes, and a `message` that says what to do about it.
public struct ServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a value that can gain cases without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invalidName, itemTooLarge, unknownLease, expiredLease, staleToken
            case lockBusy, serviceRunning, dataDirectoryUnusable, databaseCorrupt, storageFailed, invalidArgument
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A service name that is empty, too long, or could escape the data directory.
        public static let invalidName = Code(.invalidName)
        /// An item or value over the per-item cap (``ServiceLimits/maximumItemBytes``).
        public static let itemTooLarge = Code(.itemTooLarge)
        /// A lease id this queue never handed out, or whose item was already acked.
        public static let unknownLease = Code(.unknownLease)
        /// A lease that ran out before the ack, nack or renew arrived.
        public static let expiredLease = Code(.expiredLease)
        /// A mutex fencing token that is not the current holder's.
        public static let staleToken = Code(.staleToken)
        /// `try_lock` found the mutex held by someone else.
        public static let lockBusy = Code(.lockBusy)
        /// Another process already serves this name from the same data directory.
        public static let serviceRunning = Code(.serviceRunning)
        /// The data directory cannot be created, read or written.
        public static let dataDirectoryUnusable = Code(.dataDirectoryUnusable)
        /// A database file exists but is not a readable mitten database.
        public static let databaseCorrupt = Code(.databaseCorrupt)
        /// A write to the database failed; the service stops accepting changes.
        public static let storageFailed = Code(.storageFailed)
        /// An argument out of range (a negative limit, a zero lease, ...).
        public static let invalidArgument = Code(.invalidArgument)

        /// The code as a short stable string, as sent on the wire.
        public var description: String { value.rawValue }

        /// Rebuilds a code from its wire string; nil for a code this version does not know.
        public init?(wireName: String) {
            guard let value = Value(rawValue: wireName) else { return nil }
            self.value = value
        }
    }

    /// What went wrong.
    public var code: Code
    /// What happened and what to do about it, for a person.
    public var message: String

    /// Creates an error with a code and a message that says what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
