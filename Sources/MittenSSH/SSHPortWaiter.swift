import Logging
import MittenProcess

/// Waits until a (booting) server's SSH port answers with an SSH banner, retrying
/// with `PortWaitPolicy`'s capped exponential backoff on an injected clock.
public enum SSHPortWaiter {
    /// Returns once `host:port` sends an SSH banner; throws `timedOut` when the
    /// policy's deadline passes first. Each attempt may take up to `attemptTimeout`.
    public static func waitForPort<C: Clock>(
        host: String, port: Int = 22, policy: PortWaitPolicy = PortWaitPolicy(),
        attemptTimeout: Duration = .seconds(3), clock: C, logger: Logger
    ) async throws where C.Duration == Duration {
        let start = clock.now
        var state = PortWaitPolicy.State()
        while true {
            if await bannerArrives(host: host, port: port, timeout: attemptTimeout) {
                logger.debug("ssh port answers", metadata: ["ssh.host": "\(host)", "ssh.port": "\(port)", "ssh.attempts": "\(state.failedAttempts + 1)"])
                return
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
    private static func bannerArrives(host: String, port: Int, timeout: Duration) async -> Bool {
        (try? await offThePool { TCPConnection.sshBannerArrives(host: host, port: port, timeout: timeout) }) ?? false
    }
}
