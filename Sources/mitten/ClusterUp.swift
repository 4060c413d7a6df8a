import Synchronization
import ArgumentParser
import Foundation
import Logging
import MittenCluster
import MittenProcess
import MittenRuntime

extension MittenCommand.Cluster {
    /// `mitten cluster up`: boot what is missing, bootstrap it, wait for registration.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "up", abstract: "Boot the VMs the cluster file asks for, bootstrap mitten on them, wait until they run.")
        @OptionGroup var options: ClusterFileOptions
        @Flag(help: "Keep VMs that failed instead of deleting them.") var keepFailed = false
        @Flag(help: "Print one JSON object per progress event.") var json = false
        @Option(help: "VMs bootstrapped over SSH at the same time (every VM boots at once).") var concurrency = 10
        @Option(help: "SSH port of the VMs.") var sshPort = 22
        @Flag(help: "Send the mitten binary to every VM over SSH, instead of once to Control and from there to the workers.")
        var directUpload = false
        @Option(help: "What to wait for after the bootstrap: workers (every VM registered with Control), control, or none.")
        var waitFor: WaitTarget = .workers

        enum WaitTarget: String, ExpressibleByArgument, CaseIterable { case workers, control, none }

        /// The directory of the shared Swift runtime this process loaded, nil when the
        /// runtime is linked in (`--static-swift-stdlib`): the binary `up` uploads is this one.
        static func sharedSwiftRuntime() -> String? {
            // Read to the end: procfs files report a size of 0.
            guard let bytes = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return nil }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasSuffix("/libswiftCore.so") {
                guard let start = line.firstIndex(of: "/") else { continue }
                return (String(line[start...]) as NSString).deletingLastPathComponent
            }
            return nil
        }

        func run() async throws {
            let spec = try options.load()
            let logger = Logger(label: "mitten.cluster")
            let style: ProgressStyle = json ? .json : (isatty(STDOUT_FILENO) == 1 ? .terminal : .plain)
            let progress = ProgressPrinter(style: style)
            var configuration = Provisioner<ContinuousClock>.Configuration(binaryPath: ChildProcess.currentExecutable)
            if spec.cloud != .local, let runtime = Self.sharedSwiftRuntime() {
                FileHandle.standardError.write(Data((
                    "mitten: warning: this mitten uses the Swift runtime in \(runtime), which a VM without Swift does not have; "
                    + "build the binary you provision with `swift build -c release --static-swift-stdlib`\n").utf8))
            }
            configuration.keepFailed = keepFailed
            configuration.concurrency = max(1, concurrency)
            configuration.relayBinary = !directUpload
            let workspace = ClusterWorkspace(cluster: spec.name)
            let binary = configuration.binaryPath
            // Made while `up` talks to the cloud; the first bootstrap waits for it.
            let payload = Task { try await BinaryPayload.prepare(binary: binary, cacheDirectory: workspace.cacheDirectory) }
            configuration.binaryPayload = payload
            // An `up` that ends before its payload is made stops the compressors with it.
            defer { payload.cancel() }
            let secret = try workspace.clusterSecret()
            let target = waitFor
            let watch = RegistrationWatch(secret: secret, clock: ContinuousClock(), logger: logger)
            var waiter: Provisioner<ContinuousClock>.RegistrationWaiter?
            if target != .none {
                let onlyControl = target == .control
                let clusterSpec = spec
                waiter = { @Sendable (controlAddress: String, nodes: [String: String]) async throws in
                    let control: String = nodes.keys.first { clusterSpec.role(ofNode: $0) == "Control" } ?? ""
                    let wanted: [String: String] = onlyControl ? nodes.filter { $0.key == control } : nodes
                    try await watch.wait(control: control, controlAddress: controlAddress, nodes: wanted)
                }
            }
            let outcome = try await ClusterConnection.withCloud(spec, logger: logger) { cloud in
                let provisioner = Provisioner(
                    spec: spec, cloud: cloud,
                    bootstrapper: MittenSSHBootstrapper(user: spec.image.loginUser, privateKeyPath: spec.sshKey.privateKeyPath, port: sshPort, logger: logger),
                    workspace: workspace, configuration: configuration, clock: ContinuousClock(), logger: logger,
                    waitForRegistration: waiter,
                    progress: { node, phase, note in progress.update(node: node, phase: phase, note: note) }
                )
                return try await withInterruptCancellation { try await provisioner.up() }
            }
            print(outcome.booted.isEmpty ? "cluster \(spec.name) already matches \(spec.file)" : "booted \(outcome.booted.joined(separator: ", ")); Control at \(outcome.controlAddress)"
                + (outcome.registrationChecked ? "; every VM registered" : "; every VM bootstrapped (registration not checked)"))
        }
    }
}

/// Prints progress in one style from any task.
final class ProgressPrinter: Sendable {
    private let state: Mutex<(report: ProgressReport, start: ContinuousClock.Instant)>

    init(style: ProgressStyle) { state = Mutex((ProgressReport(nodes: [], style: style), .now)) }

    func update(node: String, phase: NodeLifecycle.Phase, note: String?) {
        state.withLock { state in
            let elapsed = state.start.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            FileHandle.standardOutput.write(Data(state.report.update(node: node, phase: phase, elapsed: seconds, note: note).utf8))
        }
    }
}

/// Runs `body`, cancelling it on SIGINT (Ctrl-C) so that `up` cleans up after itself.
func withInterruptCancellation<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task { try await body() }
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT)
    source.setEventHandler { task.cancel() }
    source.resume()
    defer { source.cancel(); signal(SIGINT, SIG_DFL) }
    return try await task.value
}
