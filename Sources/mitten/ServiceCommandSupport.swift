import ArgumentParser
import Foundation
import Logging
import MittenRuntime

/// A duration on the command line: `30s`, `250ms`, `2m`, `1h`, or a number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var text = Substring(argument), scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        duration = .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// Exit codes of the service commands (docs/services.md).
enum ServiceExit {
    /// Nothing arrived within the wait, or the mutex is busy.
    static let empty: Int32 = 3
    /// A lease was refused (expired, superseded, unknown).
    static let lease: Int32 = 4
    /// A mutex token was refused as stale.
    static let staleToken: Int32 = 5
    /// Control or the service could not be reached.
    static let unreachable: Int32 = 6

    /// Prints `error` for a person and returns the exit code to use.
    static func report(_ error: any Error) -> ExitCode {
        let code: Int32
        if let error = error as? RuntimeError {
            FileHandle.standardError.write(Data("mitten: \(error.message) [\(error.code)]\n".utf8))
            switch error.code {
            case .expiredLease, .unknownLease: code = lease
            case .staleToken: code = staleToken
            case .lockBusy: code = empty
            case .connectFailed, .connectionClosed, .timeout, .handshakeFailed: code = unreachable
            default: code = 1
            }
        } else {
            FileHandle.standardError.write(Data("mitten: \(error)\n".utf8))
            code = 1
        }
        return ExitCode(code)
    }
}

/// Flags and connection shared by `mitten queue|mutex|store`.
struct ServiceClientOptions: ParsableArguments {
    @Option(name: .long, help: "Control's address HOST:PORT (default: $MITTEN_CONTROL, else 127.0.0.1:7647).")
    var control: String?

    @Option(help: "Per-call timeout, e.g. 30s (a blocking call adds its --wait).")
    var timeout = DurationArgument(.seconds(30))

    func validate() throws {
        if let control, WireAddress(control) == nil {
            throw ValidationError("--control '\(control)' is not of the form HOST:PORT")
        }
    }

    /// Control's address from the flag, `MITTEN_CONTROL`, or the default.
    var controlAddress: WireAddress {
        if let control, let address = WireAddress(control) { return address }
        if let text = ProcessInfo.processInfo.environment["MITTEN_CONTROL"], let address = WireAddress(text) { return address }
        return .defaultControl
    }

    /// Clients of the shared services through Control (the secret from
    /// `MITTEN_SECRET_FILE`, else `~/.mitten/secret`, created on first use).
    func services() throws -> SharedServices {
        var logger = Logger(label: "mitten.client")
        logger.logLevel = .warning
        let secret = try ClusterSecret.loadOrCreate(path: ClusterSecret.defaultPath())
        return SharedServices(control: controlAddress, secret: secret, logger: logger)
    }

    /// Runs `body`, turning errors into the documented exit codes.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let usage as ValidationError {
            throw usage
        } catch {
            throw ServiceExit.report(error)
        }
    }
}

/// Reads items from arguments, or one per line from standard input when the only argument is `-`.
enum ItemInput {
    static func items(_ arguments: [String]) -> [String] {
        guard arguments == ["-"] else { return arguments }
        var lines: [String] = []
        while let line = readLine(strippingNewline: true) { lines.append(line) }
        return lines
    }

    /// Splits items into calls of at most `count` items and about 512 KiB.
    static func batches(_ items: [[UInt8]], count: Int = 1000, bytes: Int = 512 * 1024) -> [[[UInt8]]] {
        var batches: [[[UInt8]]] = [], current: [[UInt8]] = [], size = 0
        for item in items {
            if !current.isEmpty, current.count >= count || size + item.count > bytes {
                batches.append(current)
                current = []
                size = 0
            }
            current.append(item)
            size += item.count
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
