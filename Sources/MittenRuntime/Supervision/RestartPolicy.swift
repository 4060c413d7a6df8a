#if canImport(Glibc)
import Glibc
#endif

/// Decides what happens when a worker process ends, as a pure state machine:
///
/// - exit status 0, or killed by SIGINT/SIGTERM: finished, not restarted;
/// - anything else (non-zero exit, any other signal): restarted after a capped,
///   jittered exponential backoff per worker (reset once a run lasted `stableAfter`);
/// - more than `intensity` restarts within `period` across the task: give up on it;
/// - with `once`, any failure is fatal.
public struct RestartPolicy: Sendable {
    /// The policy's knobs.
    public struct Configuration: Sendable, Equatable {
        /// Delays between restarts of one worker.
        public var backoff: Backoff.Policy
        /// A run at least this long resets that worker's backoff.
        public var stableAfter: Duration
        /// Most restarts allowed within `period` before giving up.
        public var intensity: Int
        /// The window `intensity` counts over.
        public var period: Duration
        /// `--once`: a failure ends everything instead of restarting.
        public var once: Bool

        /// Creates a configuration; the defaults suit long-running workers.
        public init(backoff: Backoff.Policy = Backoff.Policy(initial: .milliseconds(100), maximum: .seconds(30)),
                    stableAfter: Duration = .seconds(10), intensity: Int = 20, period: Duration = .seconds(60), once: Bool = false) {
            self.backoff = backoff
            self.stableAfter = stableAfter
            self.intensity = intensity
            self.period = period
            self.once = once
        }
    }

    /// What to do with the worker that ended.
    public enum Action: Sendable, Equatable {
        /// It ended cleanly: leave it stopped.
        case finished
        /// Start it again after this delay.
        case restart(after: Duration)
        /// Too many restarts: stop restarting this task.
        case giveUp(reason: String)
        /// `--once` and it failed: stop everything.
        case fatal(reason: String)
    }

    /// The configuration in force.
    public let configuration: Configuration
    /// Restarts decided so far.
    public private(set) var restarts = 0
    private var backoffs: [Int: Backoff] = [:]
    private var recent: [ContinuousClock.Instant] = []
    private var gaveUp = false

    /// A fresh policy.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether `status` is a clean end (exit 0, SIGINT or SIGTERM).
    public static func isClean(_ status: ProcessExit) -> Bool {
        switch status {
        case .exited(0), .signaled(SIGINT), .signaled(SIGTERM): true
        default: false
        }
    }

    /// Decides for worker `worker` that ended with `status` after running `ranFor`, at `now`;
    /// `random` in 0..<1 picks the jitter.
    public mutating func decide(worker: Int, status: ProcessExit, ranFor: Duration, at now: ContinuousClock.Instant, random: Double) -> Action {
        if Self.isClean(status) { return .finished }
        if configuration.once { return .fatal(reason: "worker \(worker) ended with \(status) and --once is set") }
        if gaveUp { return .giveUp(reason: "restarts for this task were already stopped") }
        recent = recent.filter { now - $0 < configuration.period }
        guard recent.count < configuration.intensity else {
            gaveUp = true
            return .giveUp(reason: "more than \(configuration.intensity) restarts within \(configuration.period); not restarting this task any more")
        }
        var backoff = backoffs[worker] ?? Backoff(policy: configuration.backoff)
        if ranFor >= configuration.stableAfter { backoff.succeeded() }
        let action = backoff.failed(random: random)
        backoffs[worker] = backoff
        guard case .retry(let delay) = action else {
            gaveUp = true
            return .giveUp(reason: "worker \(worker) failed \(backoff.failures) times in a row")
        }
        recent.append(now)
        restarts += 1
        return .restart(after: delay)
    }
}
