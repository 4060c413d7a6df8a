import Synchronization

/// Process-wide counts of wire calls served, by service and method, and how many ended
/// in an error: what Control's metrics endpoint reports as RPC calls and errors.
public final class WireCallStatistics: Sendable {
    /// One service method's counts.
    public struct Count: Sendable, Equatable {
        /// Creates counts.
        public init(calls: Int = 0, errors: Int = 0) {
            self.calls = calls
            self.errors = errors
        }
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

    /// The counts of one method, handed to its dispatch-table entry once so that a call
    /// is counted with two atomic additions, without a lock or hashing its names.
    public final class Counter: Sendable {
        private let calls = Atomic<Int>(0)
        private let errors = Atomic<Int>(0)

        /// Notes one call, answered with an error when `failed`.
        public func record(failed: Bool) {
            calls.add(1, ordering: .relaxed)
            if failed { errors.add(1, ordering: .relaxed) }
        }

        var count: Count { Count(calls: calls.load(ordering: .relaxed), errors: errors.load(ordering: .relaxed)) }
    }

    private let counters = Mutex<[Key: Counter]>([:])

    /// Creates an empty set of counts.
    public init() {}

    /// The counter of `service.method` (the same one for every caller). Only methods in
    /// a dispatch table get one, so the key set stays small.
    public func counter(service: String, method: String) -> Counter {
        counters.withLock { counters in
            let key = Key(service: service, method: method)
            if let counter = counters[key] { return counter }
            let counter = Counter()
            counters[key] = counter
            return counter
        }
    }

    /// The counts of every method called so far, sorted by service and method.
    public func snapshot() -> [(key: Key, count: Count)] {
        counters.withLock { counters in counters.map { (key: $0.key, count: $0.value.count) } }
            .filter { $0.count.calls > 0 }.sorted { $0.key < $1.key }
    }
}
