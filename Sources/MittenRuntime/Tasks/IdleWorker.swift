import Foundation
import Logging
import ServiceLifecycle

/// The built-in `Idle` task type's worker: connects to Control, pings it every
/// `interval` (reconnecting with backoff when Control is away, or failing at once under
/// `--once`), and otherwise waits for SIGTERM. A minimal example of a Swift task type.
public struct IdleWorker: Service {
    /// Control's client.
    public var control: ControlClient
    /// Time between pings.
    public var interval: Duration
    /// Logger.
    public var logger: Logger

    /// Creates an idle worker.
    public init(control: ControlClient, interval: Duration = .seconds(10), logger: Logger) {
        self.control = control
        self.interval = interval
        self.logger = logger
    }

    /// Pings until graceful shutdown (SIGTERM/SIGINT), which ends it quietly.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let pong = try await control.ping()
                    logger.debug("control answered", metadata: ["mitten.time": "\(pong.time)"])
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
