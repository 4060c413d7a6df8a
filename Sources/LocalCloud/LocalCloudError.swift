/// The one error type of the LocalCloud library: a code to match on and a message that
/// says what to do.
public struct LocalCloudError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case configuration, dataDirectory, alreadyRunning, notRunning, spawn, userData, provisioning, startup }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// The configuration file or a flag is invalid.
        public static let configuration = Code(.configuration)
        /// The data directory cannot be used.
        public static let dataDirectory = Code(.dataDirectory)
        /// Another daemon already serves this data directory.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// No daemon serves this data directory.
        public static let notRunning = Code(.notRunning)
        /// A process could not be started.
        public static let spawn = Code(.spawn)
        /// A server's user-data could not be understood.
        public static let userData = Code(.userData)
        /// A server could not be provisioned (its files, sshd or runcmd).
        public static let provisioning = Code(.provisioning)
        /// The daemon did not come up.
        public static let startup = Code(.startup)
        /// The code's name.
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, prefixed with the code.
    public var description: String { "local cloud (\(code)): \(message)" }
}
