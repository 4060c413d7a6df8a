import ArgumentParser
import Foundation
import MittenRuntime

extension MittenCommand {
    /// `mitten store append|read`: a durable append-only log with increasing keys.
    struct StoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "Append to and read a durable append-only log whose keys strictly increase.",
            subcommands: [Append.self, Read.self])

        /// `mitten store append NAME VALUE...` (or `-`); prints the keys.
        struct Append: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "append", abstract: "Append values (or '-': one per line from stdin); prints their keys.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The store.") var name: String
            @Argument(help: "Values, or '-' to read one per line from stdin.") var values: [String] = []

            func run() async throws {
                try await options.run {
                    let store = try options.services().store(name, timeout: options.timeout.duration)
                    for batch in ItemInput.batches(ItemInput.items(values).map { Array($0.utf8) }) {
                        for key in try await store.append(batch) { print(key) }
                    }
                }
            }
        }

        /// `mitten store read NAME [--after KEY] [--limit N] [--wait D]`: prints `KEY<TAB>VALUE` lines.
        struct Read: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "read", abstract: "Print 'KEY<TAB>VALUE' for entries after --after. Exit 3 when none arrived within --wait.")
            @OptionGroup var options: ServiceClientOptions
            @Argument(help: "The store.") var name: String
            @Option(help: "Only entries with larger keys (default: from the start).") var after: Int64 = 0
            @Option(help: "At most this many entries.") var limit = 100
            @Option(help: "How long to wait for a new entry, e.g. 10s (default: do not wait).") var wait = DurationArgument(.zero)

            func run() async throws {
                try await options.run {
                    let store = try options.services().store(name, timeout: options.timeout.duration)
                    let entries = try await store.read(after: after, limit: limit, wait: wait.duration)
                    guard !entries.isEmpty else { throw ExitCode(ServiceExit.empty) }
                    for entry in entries { print("\(entry.key)\t\(String(decoding: entry.value, as: UTF8.self))") }
                }
            }
        }
    }
}
