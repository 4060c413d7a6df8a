/// The one error type of MittenCluster: a ``code`` to branch on and a ``message``
/// that says what went wrong and what to do. Messages never contain secrets.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case invalidClusterFile, unreadableFile, unsupportedKey, userDataTooLarge
            case missingFlavor, missingImage, quotaExceeded, keypairMismatch
            case unknownRole, templateFailure, cloudFailure, bootFailure
            case hostKeyMismatch, bootstrapFailure, interrupted
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The cluster file is malformed or says something impossible.
        public static let invalidClusterFile = Code(.invalidClusterFile)
        /// A file the cluster file refers to could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// An SSH key of a type mitten cannot use (RSA).
        public static let unsupportedKey = Code(.unsupportedKey)
        /// Rendered user-data does not fit Nova's limit even gzipped.
        public static let userDataTooLarge = Code(.userDataTooLarge)
        /// A flavor the cluster file names does not exist in the cloud.
        public static let missingFlavor = Code(.missingFlavor)
        /// The image the cluster file names does not exist in the cloud.
        public static let missingImage = Code(.missingImage)
        /// What the plan would add exceeds the project's quota.
        public static let quotaExceeded = Code(.quotaExceeded)
        /// A keypair of the cluster's name exists with another key.
        public static let keypairMismatch = Code(.keypairMismatch)
        /// A VM's name matches no task type of the cluster file.
        public static let unknownRole = Code(.unknownRole)
        /// A cloud-init template failed to parse or render.
        public static let templateFailure = Code(.templateFailure)
        /// The cloud refused a request; the message carries its own words.
        public static let cloudFailure = Code(.cloudFailure)
        /// A VM went to ERROR more often than the retry limit allows.
        public static let bootFailure = Code(.bootFailure)
        /// A VM presented an SSH host key other than the one mitten generated for it.
        public static let hostKeyMismatch = Code(.hostKeyMismatch)
        /// Uploading to or starting mitten on a VM failed.
        public static let bootstrapFailure = Code(.bootstrapFailure)
        /// The run was interrupted (Ctrl-C).
        public static let interrupted = Code(.interrupted)

        /// The code's name, e.g. `invalidClusterFile`.
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do, for a person.
    public var message: String
    /// The error this one wraps, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error with a code and a message that says what to do.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message, which is what a user sees.
    public var description: String { message }
}
