import Synchronization

/// Process-wide counts of wire calls served, by service and method, and how many ended
/// in an error: what Control's metrics endpoint reports as RPC calls and errors.
public final class WireCallStatistics: Sendable {
    /// One service method's counts.
    public struct Count: Sendable, Equatable {
        /// Calls dispatched.
        public var calls: Int = 0
        /// Calls answered with an error frame.
        public var errors: Int = 0
    }

    /// A (service, method) key.
    public struct Key: Sendable, Hashable, Comparable {
        /// The wire service name.
        public var service: String
        /// The method name.
        public var method: String

        public static func < (a: Key, b: Key) -> Bool { (a.service, a.method) < (b.service, b.method) }
    }

    /// The counts of this process.
    public static let shared = WireCallStatistics()

    private let counts = Mutex<[Key: Count]>([:])

    /// Creates an empty set of counts.
    public init() {}

    /// Notes one call of `service.method`, answered with an error when `failed`. Only
    /// methods in a dispatch table are counted, so the key set stays small.
    public func record(service: String, method: String, failed: Bool) {
        counts.withLock { counts in
            let key = Key(service: service, method: method)
            counts[key, default: Count()].calls += 1
            if failed { counts[key, default: Count()].errors += 1 }
        }
    }

    /// Every count so far, sorted by service and method.
    public func snapshot() -> [(key: Key, count: Count)] {
        counts.withLock { counts in counts.map { (key: $0.key, count: $0.value) } }.sorted { $0.key < $1.key }
    }
}
