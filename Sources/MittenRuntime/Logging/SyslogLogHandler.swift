import Foundation
import Logging

/// A swift-log handler that writes to syslog, as the original did: ident = the task's
/// short name, with the pid (`LOG_PID`), facility daemon. For `--daemon` runs.
public struct SyslogLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    /// Opens syslog with `ident` (kept for the process's lifetime) and returns a factory.
    public static func factory(ident: String) -> @Sendable (String) -> any LogHandler {
        // openlog keeps the pointer, so the copy is never freed.
        openlog(strdup(ident), LOG_PID | LOG_NDELAY, LOG_DAEMON)
        return { label in SyslogLogHandler(label: label) }
    }

    init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let suffix = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(event.level): \(event.message)\(suffix)"
        line.withCString { text in
            withVaList([text]) { vsyslog(Self.priority(event.level), "%s", $0) }
        }
    }

    static func priority(_ level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: LOG_DEBUG
        case .info: LOG_INFO
        case .notice: LOG_NOTICE
        case .warning: LOG_WARNING
        case .error: LOG_ERR
        case .critical: LOG_CRIT
        }
    }
}
