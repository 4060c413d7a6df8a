import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    /// `mitten queue push|pop|ack|nack|renew|stats`: the durable queue for any-language workers.
    struct QueueCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "queue",
            abstract: "Push to, pop from, ack and inspect a durable at-least-once queue (NAME.dead is its dead-letter queue).",
            subcommands: [Push.self, Pop.self, Ack.self, Nack.self, Renew.self, Stats.self])

        /// `mitten queue push NAME ITEM...` (or `-` for one item per line of stdin).
        struct Push: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "push", abstract: "Append items (or '-': one per line from stdin).")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue.") var name: String
            @Argument(help: "Items, or '-' to read one per line from stdin.") var items: [String] = []

            func run() async throws {
                try await options.run {
                    let queue = try options.services().queue(name, timeout: options.timeout.duration)
                    for batch in ItemInput.batches(ItemInput.items(items).map { Array($0.utf8) }) {
                        try await queue.push(batch)
                    }
                }
            }
        }

        /// `mitten queue pop NAME [--wait D] [--lease D] [--count N]`: prints `LEASE<TAB>ITEM` lines.
        struct Pop: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "pop",
                abstract: "Take items under a lease; prints 'LEASE<TAB>ITEM' per item. Exit 3 when nothing arrived within --wait.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue (NAME.dead for its dead letters).") var name: String
            @Option(help: "How long to wait for an item, e.g. 30s (default: do not wait).") var wait = DurationArgument(.zero)
            @Option(help: "Lease (visibility timeout), e.g. 5m (default 30s).") var lease: DurationArgument?
            @Option(help: "At most this many items.") var count = 1
            @Flag(help: "Print one JSON object per item (lease, item, deliveries, expiresAt).") var json = false

            func validate() throws {
                guard count > 0 else { throw ValidationError("--count must be at least 1") }
            }

            func run() async throws {
                try await options.run {
                    let queue = try options.services().queue(name, timeout: options.timeout.duration)
                    let items = try await queue.pop(limit: count, lease: lease?.duration, wait: wait.duration)
                    guard !items.isEmpty else { throw ExitCode(ServiceExit.empty) }
                    for item in items {
                        let text = String(decoding: item.body, as: UTF8.self)
                        if json {
                            let object: [String: Any] = ["lease": item.lease.description, "item": text,
                                                         "deliveries": item.deliveries, "expiresAt": item.expiresAt.milliseconds]
                            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                            print(String(decoding: data, as: UTF8.self))
                        } else {
                            print("\(item.lease)\t\(text)")
                        }
                    }
                }
            }
        }

        /// `mitten queue ack NAME LEASE...`.
        struct Ack: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "ack", abstract: "Done with items: delete them. Exit 4 if a lease was refused.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue.") var name: String
            @Argument(help: "Lease ids as pop printed them.") var leases: [String]
            @Flag(help: "Print the refused lease ids, one per line (the others were acked).") var printRefused = false

            func run() async throws {
                try await options.run {
                    let queue = try options.services().queue(name, timeout: options.timeout.duration)
                    let result = try await queue.ack(try parseLeases(leases))
                    if printRefused { for refusal in result.refused { print(refusal.lease) } }
                    try result.throwIfRefused()
                }
            }
        }

        /// `mitten queue nack NAME LEASE...`.
        struct Nack: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "nack", abstract: "Give items back now: ready again at the head. Exit 4 if a lease was refused.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue.") var name: String
            @Argument(help: "Lease ids as pop printed them.") var leases: [String]

            func run() async throws {
                try await options.run {
                    let queue = try options.services().queue(name, timeout: options.timeout.duration)
                    try await queue.nack(try parseLeases(leases)).throwIfRefused()
                }
            }
        }

        /// `mitten queue renew NAME LEASE [--lease D]`.
        struct Renew: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "renew", abstract: "Extend a lease while still working. Exit 4 if it was refused.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue.") var name: String
            @Argument(help: "The lease id.") var leaseID: String
            @Option(help: "New lease from now (default 30s).") var lease: DurationArgument?

            func run() async throws {
                try await options.run {
                    let queue = try options.services().queue(name, timeout: options.timeout.duration)
                    _ = try await queue.renew(try parseLeases([leaseID])[0], for: lease?.duration)
                }
            }
        }

        /// `mitten queue stats NAME [--json]`.
        struct Stats: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "stats", abstract: "Ready, leased, acked, dead-lettered and the ack rate.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The queue.") var name: String
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                try await options.run {
                    let stats = try await options.services().queue(name, timeout: options.timeout.duration).stats()
                    if json {
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.sortedKeys]
                        print(String(decoding: try encoder.encode(stats), as: UTF8.self))
                    } else {
                        print("ready \(stats.ready)\nleased \(stats.leased)\nacked \(stats.acked)\npushed \(stats.pushed)")
                        print("expired \(stats.expired)\ndead \(stats.deadReady + stats.deadLeased)\ndead-lettered \(stats.deadLettered)")
                        print(String(format: "rate %.1f/s", stats.ackedPerSecond))
                    }
                }
            }
        }
    }
}

private func parseLeases(_ texts: [String]) throws -> [LeaseID] {
    try texts.map { text in
        guard let lease = LeaseID(text) else {
            throw ValidationError("'\(text)' is not a lease id; use the id pop printed (ITEM.DELIVERY, e.g. 42.1)")
        }
        return lease
    }
}
