import ArgumentParser
import Foundation
import Logging
import MittenRuntime

/// Flags shared by the runtime commands.
struct RuntimeOptions: ParsableArguments {
    @Option(name: .long, help: "Control's address HOST:PORT (default: $MITTEN_CONTROL, else 127.0.0.1:7647).")
    var control: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func validate() throws {
        if let control, WireAddress(control) == nil {
            throw ValidationError("--control '\(control)' is not of the form HOST:PORT")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// The control address from the flag, the environment, or the default.
    var controlAddress: WireAddress {
        if let control, let address = WireAddress(control) { return address }
        if let text = ProcessInfo.processInfo.environment["MITTEN_CONTROL"], let address = WireAddress(text) { return address }
        return .defaultControl
    }

    /// The level from the flag, else `fallback`.
    func level(default fallback: Logger.Level) -> Logger.Level {
        logLevel.flatMap(Logger.Level.init(rawValue:)) ?? fallback
    }

    /// Bootstraps logging (stderr, or syslog with `ident` for daemons) and returns a logger.
    func logger(label: String, default fallback: Logger.Level, syslogIdent: String? = nil) -> Logger {
        LogSetup.bootstrap(syslogIdent: syslogIdent)
        var logger = Logger(label: label)
        logger.logLevel = level(default: fallback)
        return logger
    }

    /// The cluster secret, created on first use.
    func secret() throws -> (ClusterSecret, String) {
        let path = ClusterSecret.defaultPath()
        return (try ClusterSecret.loadOrCreate(path: path), path)
    }
}

/// Chooses the log backend once per process.
enum LogSetup {
    nonisolated(unsafe) private static var done = false

    static func bootstrap(syslogIdent: String?) {
        // Commands call this once, from the main task, before any logging.
        guard !done else { return }
        done = true
        if let syslogIdent {
            LoggingSystem.bootstrap(SyslogLogHandler.factory(ident: syslogIdent))
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
    }
}
