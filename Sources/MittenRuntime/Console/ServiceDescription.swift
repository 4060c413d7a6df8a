import Foundation

/// What every service answers to `describe`: the data `mitten status` and the console
/// show. Common fields first, then ordered per-kind ``Column``s.
public struct ServiceDescription: Codable, Sendable, Equatable {
    /// A per-kind value with its column title.
    public struct Column: Codable, Sendable, Equatable {
        /// The column title, e.g. `Items`.
        public var title: String
        /// The value.
        public var value: Value
        /// Creates a column.
        public init(_ title: String, _ value: Value) {
            self.title = title
            self.value = value
        }
    }

    /// A cell value; numbers are right-aligned, text left.
    public enum Value: Codable, Sendable, Equatable {
        /// Left-aligned text.
        case text(String)
        /// A whole number.
        case integer(Int)
        /// A real number shown with `digits` decimals.
        case number(Double, digits: Int)
        /// A checkbox (`☑` or `☐`, as the original showed it).
        case check(Bool)
    }

    /// The registered name, e.g. `Statistics-latency`.
    public var name: String
    /// The kind, e.g. `Statistics`.
    public var kind: String
    /// Process id.
    public var pid: Int32
    /// Host name of the machine.
    public var hostname: String
    /// Resident set size in KiB.
    public var rssKB: Int
    /// OpenStack API requests made by this process.
    public var openStackRequests: Int
    /// Seconds since the process started.
    public var uptimeSeconds: Double
    /// Times this service has been restarted, where someone keeps count.
    public var restarts: Int?
    /// Per-kind columns, in display order.
    public var columns: [Column]

    /// Creates a description of the current process.
    public init(name: String, kind: String, columns: [Column] = [], restarts: Int? = nil, openStackRequests: Int = 0) {
        self.name = name
        self.kind = kind
        self.pid = ProcessFacts.pid
        self.hostname = ProcessFacts.hostname
        self.rssKB = ProcessFacts.residentKB()
        self.openStackRequests = openStackRequests
        self.uptimeSeconds = ProcessFacts.uptimeSeconds
        self.restarts = restarts
        self.columns = columns
    }
}

/// Facts about the running process for descriptions.
public enum ProcessFacts {
    private static let started = ContinuousClock.now

    /// This process's id.
    public static var pid: Int32 { getpid() }

    /// The machine's host name.
    public static var hostname: String { ProcessInfo.processInfo.hostName }

    /// Seconds since the process started (from /proc; elsewhere since this module was
    /// first used).
    public static var uptimeSeconds: Double {
        if let uptime = processUptimeFromProc() { return uptime }
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// /proc/uptime minus field 22 of /proc/self/stat (start time in clock ticks).
    private static func processUptimeFromProc() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"),
              let system = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let systemUptime = system.split(separator: " ").first.flatMap({ Double($0) }) else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); the start time is field 22.
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hertz > 0 else { return nil }
        return max(0, systemUptime - ticks / hertz)
    }

    /// Resident set size in KiB, from /proc/self/statm (0 where unavailable).
    public static func residentKB(pid: Int32? = nil) -> Int {
        let path = pid.map { "/proc/\($0)/statm" } ?? "/proc/self/statm"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}
