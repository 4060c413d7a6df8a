import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    /// `mitten mutex with|lock|unlock|renew|status`: a leased lock with fencing tokens.
    struct MutexCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mutex",
            abstract: "A leased lock with fencing tokens: run a command holding it, or lock and unlock by hand.",
            subcommands: [With.self, Lock.self, Unlock.self, Renew.self, Status.self])

        /// `mitten mutex with NAME [--lease D] [--wait D] -- COMMAND...`.
        struct With: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "with",
                abstract: "Run a command holding the lock, renewing its lease; exits with the command's status.",
                discussion: "The command gets the fencing token in MITTEN_MUTEX_TOKEN. If the lease cannot be renewed, the command is sent SIGTERM and mitten exits 5.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The mutex.") var name: String
            @Option(help: "Lease, renewed every third of it (default 30s).") var lease = DurationArgument(.seconds(30))
            @Option(help: "How long to wait for the lock (default 24h). Exit 3 if still busy.") var wait = DurationArgument(.seconds(86_400))
            @Argument(parsing: .postTerminator, help: "The command and its arguments, after '--'.") var command: [String]

            func validate() throws {
                guard !command.isEmpty else { throw ValidationError("give the command to run after '--'") }
                guard lease.duration >= .seconds(1) else { throw ValidationError("--lease must be at least 1s") }
            }

            func run() async throws {
                try await options.run {
                    let mutex = try options.services().mutex(name, timeout: options.timeout.duration)
                    guard let holder = try await mutex.lock(owner: LockOwner.current, lease: lease.duration, wait: wait.duration) else {
                        throw ExitCode(ServiceExit.empty)
                    }
                    var environment = ProcessInfo.processInfo.environment
                    environment["MITTEN_MUTEX_TOKEN"] = "\(holder.token)"
                    // posix_spawn through /usr/bin/env, which finds the command on PATH.
                    let child = try ChildProcess.spawn(executable: "/usr/bin/env", arguments: command, environment: environment)
                    let leaseLength = lease.duration
                    let renewer = Task {
                        while !Task.isCancelled {
                            try await Task.sleep(for: leaseLength / 3)
                            do {
                                _ = try await mutex.renew(token: holder.token, lease: leaseLength)
                            } catch {
                                child.send(SIGTERM)
                                throw error
                            }
                        }
                    }
                    let exit = await child.exitStatus
                    renewer.cancel()
                    if case .failure(let error) = await renewer.result, !(error is CancellationError) {
                        throw error
                    }
                    try await mutex.unlock(token: holder.token)
                    switch exit {
                    case .exited(0): return
                    case .exited(let code): throw ExitCode(code)
                    case .signaled(let signal): throw ExitCode(128 + signal)
                    }
                }
            }
        }

        /// `mitten mutex lock NAME [--lease D] [--wait D]`: prints the fencing token.
        struct Lock: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "lock", abstract: "Take the lock; prints the fencing token. Exit 3 if still busy after --wait (0: try_lock).")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The mutex.") var name: String
            @Option(help: "Lease (default 30s); renew it or lose the lock.") var lease = DurationArgument(.seconds(30))
            @Option(help: "How long to wait for the lock (default: do not wait).") var wait = DurationArgument(.zero)
            @Option(help: "Who holds it, shown by status (default HOST:PID).") var owner: String?

            func run() async throws {
                try await options.run {
                    let mutex = try options.services().mutex(name, timeout: options.timeout.duration)
                    guard let holder = try await mutex.lock(owner: owner ?? LockOwner.current, lease: lease.duration, wait: wait.duration) else {
                        throw ExitCode(ServiceExit.empty)
                    }
                    print(holder.token)
                }
            }
        }

        /// `mitten mutex unlock NAME TOKEN`.
        struct Unlock: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Release the lock held under TOKEN. Exit 5 if the token is stale.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The mutex.") var name: String
            @Argument(help: "The fencing token lock printed.") var token: Int64

            func run() async throws {
                try await options.run {
                    try await options.services().mutex(name, timeout: options.timeout.duration).unlock(token: token)
                }
            }
        }

        /// `mitten mutex renew NAME TOKEN [--lease D]`.
        struct Renew: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "renew", abstract: "Extend the lease held under TOKEN. Exit 5 if the token is stale.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The mutex.") var name: String
            @Argument(help: "The fencing token.") var token: Int64
            @Option(help: "New lease from now (default 30s).") var lease = DurationArgument(.seconds(30))

            func run() async throws {
                try await options.run {
                    _ = try await options.services().mutex(name, timeout: options.timeout.duration).renew(token: token, lease: lease.duration)
                }
            }
        }

        /// `mitten mutex status NAME`.
        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "status", abstract: "Whether the lock is held, by whom, and the last token.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The mutex.") var name: String

            func run() async throws {
                try await options.run {
                    let status = try await options.services().mutex(name, timeout: options.timeout.duration).status()
                    if let holder = status.holder {
                        print("locked by \(holder.owner) token \(holder.token) until \(holder.expiresAt.milliseconds)")
                    } else {
                        print("unlocked (last token \(status.lastToken))")
                    }
                }
            }
        }
    }
}

/// The default owner string of a lock: `HOST:PID`.
enum LockOwner {
    static var current: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }
}
