import Glibc
import Logging
import MittenProcess
import Synchronization

/// Waits until a (booting) server's SSH port answers with an SSH banner, retrying
/// with `PortWaitPolicy`'s capped exponential backoff on an injected clock.
public enum SSHPortWaiter {
    /// Returns once `host:port` sends an SSH banner; throws `timedOut` when the
    /// policy's deadline passes first. Each attempt may take up to `attemptTimeout`.
    public static func waitForPort<C: Clock>(
        host: String, port: Int = 22, policy: PortWaitPolicy = PortWaitPolicy(),
        attemptTimeout: Duration = .seconds(3), clock: C, logger: Logger
    ) async throws where C.Duration == Duration {
        _ = try await connectWhenReady(host: host, port: port, policy: policy, attemptTimeout: attemptTimeout, clock: clock, logger: logger).take()
            .map { Glibc.close($0) }
    }

    /// Like ``waitForPort(host:port:policy:attemptTimeout:clock:logger:)``, and returns
    /// the connection whose banner answered, for ``SSHSession/withSession(_:socket:logger:isolation:_:)``
    /// to log in over: one connection per server instead of a probe and then another.
    public static func connectWhenReady<C: Clock>(
        host: String, port: Int = 22, policy: PortWaitPolicy = PortWaitPolicy(),
        attemptTimeout: Duration = .seconds(3), clock: C, logger: Logger
    ) async throws -> SSHReadySocket where C.Duration == Duration {
        let start = clock.now
        var state = PortWaitPolicy.State()
        while true {
            if let socket = await socketAtBanner(host: host, port: port, timeout: attemptTimeout) {
                logger.debug("ssh port answers", metadata: ["ssh.host": "\(host)", "ssh.port": "\(port)", "ssh.attempts": "\(state.failedAttempts + 1)"])
                return socket
            }
            switch policy.attemptFailed(&state, elapsed: start.duration(to: clock.now)) {
            case .retry(let delay):
                logger.trace("ssh port not answering yet", metadata: ["ssh.host": "\(host)", "ssh.retry_in": "\(delay)"])
                try await clock.sleep(for: delay)
            case .giveUp:
                throw MittenSSHError(
                    .timedOut,
                    "\(host):\(port) did not answer with an SSH banner within \(policy.deadline) (\(state.failedAttempts) attempts); check that the server booted and that security groups allow port \(port).")
            }
        }
    }

    /// The blocking probe, on a thread of its own: Dispatch's global queue has about one
    /// thread per core, so twenty VMs' probes (each up to `timeout`) would queue there.
    private static func socketAtBanner(host: String, port: Int, timeout: Duration) async -> SSHReadySocket? {
        (try? await offThePool { TCPConnection.socketAtSSHBanner(host: host, port: port, timeout: timeout).map(SSHReadySocket.init) }) ?? nil
    }
}

/// A connected socket whose server has begun its SSH banner, not yet read. Whoever
/// ``take()``s it owns the descriptor; one never taken is closed when this goes away.
public final class SSHReadySocket: Sendable {
    private let descriptor: Synchronization.Mutex<Int32?>

    init(_ descriptor: Int32) {
        self.descriptor = Synchronization.Mutex(descriptor)
    }

    /// The descriptor, once; nil after that.
    public func take() -> Int32? {
        descriptor.withLock { held in
            defer { held = nil }
            return held
        }
    }

    deinit {
        if let fd = take() { Glibc.close(fd) }
    }
}
