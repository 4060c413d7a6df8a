/// When the durable services fsync (documented in docs/services.md).
///
/// Both settings keep every acknowledged write through a `kill -9` of the service:
/// SQLite in WAL mode has handed the commit to the operating system before the
/// call returns. They differ on a crash of the whole machine (power loss, kernel panic).
public enum Durability: Sendable, Hashable {
    /// `synchronous=FULL`: every group commit is fsynced before its callers get an
    /// answer. Nothing acknowledged is lost even if the machine crashes.
    case everyCommit
    /// `synchronous=NORMAL` plus a checkpoint (which fsyncs) every `interval`: a
    /// machine crash may lose the writes of the last interval; fsyncs no longer
    /// limit the commit rate.
    case interval(Duration)

    /// Parses `commit` or `interval` / `interval:MILLISECONDS` (as `--durability` takes it).
    public init?(argument: String) {
        if argument == "commit" {
            self = .everyCommit
        } else if argument == "interval" {
            self = .interval(.seconds(1))
        } else if argument.hasPrefix("interval:"), let milliseconds = Int64(argument.dropFirst(9)), milliseconds > 0 {
            self = .interval(.milliseconds(milliseconds))
        } else {
            return nil
        }
    }

    /// The SQLite `synchronous` setting this implies.
    var synchronousPragma: String {
        switch self {
        case .everyCommit: "FULL"
        case .interval: "NORMAL"
        }
    }
}

extension Durability {
    /// The setting in `MITTEN_DURABILITY` (`commit` when unset), as service processes read it.
    public static func fromEnvironment(_ environment: [String: String]) throws -> Durability {
        let setting = environment["MITTEN_DURABILITY"] ?? "commit"
        guard let durability = Durability(argument: setting) else {
            throw RuntimeError(.invalidArgument, "MITTEN_DURABILITY='\(setting)' is not 'commit', 'interval' or 'interval:MILLISECONDS'")
        }
        return durability
    }
}
