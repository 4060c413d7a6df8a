import ArgumentParser
import Foundation
import Logging
import MittenProcess
import MittenRuntime

/// Shared pieces: finding `mitten`, a private secret, starting Control, percentiles.
struct BenchOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the mitten binary (default: beside mitten-bench).")
    var mitten: String?

    var mittenPath: String {
        if let mitten { return mitten }
        return (ChildProcess.currentExecutable as NSString).deletingLastPathComponent + "/mitten"
    }
}

enum Bench {
    static let logger: Logger = {
        var logger = Logger(label: "mitten.bench")
        logger.logLevel = .critical
        return logger
    }()

    /// A private directory with a secret file, for the Control processes we start.
    static func workspace() throws -> (directory: String, secret: ClusterSecret, environment: [String: String]) {
        let directory = NSTemporaryDirectory() + "mitten-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secretFile = directory + "/secret"
        let secret = try ClusterSecret.loadOrCreate(path: secretFile)
        var environment = ProcessInfo.processInfo.environment
        environment["MITTEN_SECRET_FILE"] = secretFile
        environment["MITTEN_DATA_DIR"] = directory + "/data"
        environment["HOME"] = directory
        return (directory, secret, environment)
    }

    /// A free loopback port (bound and released; fine for a benchmark).
    static func freePort() throws -> Int { try LoopbackPort.free() }

    /// Starts `mitten worker --type Control` on a free port and waits until it answers.
    static func startControl(mitten: String, environment: [String: String], secret: ClusterSecret) async throws -> (ChildProcess, WireAddress) {
        let address = WireAddress(host: "127.0.0.1", port: try freePort())
        let child = try ChildProcess.spawn(executable: mitten, arguments: ["worker", "--type", "Control", "--control", address.description, "--log-level", "error"], environment: environment)
        let client = ControlClient(client: WireClient(address: address, secret: secret, policy: .init(initial: .milliseconds(1), maximum: .milliseconds(5), jitter: 0), logger: logger))
        _ = try await client.ping()
        await client.client.close()
        return (child, address)
    }

    static func stop(_ child: ChildProcess) async {
        await child.terminate(grace: .seconds(3))
    }

    static func micros(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func format(_ value: Double, _ digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }
}
