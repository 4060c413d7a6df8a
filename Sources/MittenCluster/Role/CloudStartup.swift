import Foundation

/// The cloud path of `mitten startup` (without `--localhost`): read what cloud-init
/// wrote under ``NodeLayout``, ask the metadata service for the server's name, and
/// decide the role. The caller then runs the runtime's supervisor with the result.
public struct CloudStartup: Sendable {
    /// Where cloud-init put mitten's files (rooted at `MITTEN_ROOT` on the local cloud).
    public var layout: NodeLayout

    /// A startup for `layout`.
    public init(layout: NodeLayout) { self.layout = layout }

    /// The base URL of the metadata service: `MITTEN_METADATA_URL` when set (the local
    /// cloud and tests), else OpenStack's link-local address.
    public static func metadataBaseURL(environment: [String: String]) -> String {
        if let url = environment["MITTEN_METADATA_URL"], !url.isEmpty { return url }
        return "http://169.254.169.254"
    }

    /// The VM's vCPUs: `MITTEN_VCPUS` when the local cloud sets it (its servers share
    /// the host's CPUs), else the CPUs this process sees.
    public static func vcpus(environment: [String: String]) -> Int {
        environment["MITTEN_VCPUS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// Decides this VM's role. `serverName` asks the metadata service for
    /// `meta_data.json`'s `name` (never the sanitized hostname).
    public func decide(
        vcpus: Int = ProcessInfo.processInfo.activeProcessorCount,
        workersFlag: Int = 0,
        serverName: () async throws -> String
    ) async throws -> (role: BootRole, taskFile: VMTaskFile) {
        let taskFile = try VMTaskFile.parse(try read(layout.taskFile, what: "the task file"), file: layout.taskFile)
        guard FileManager.default.isReadableFile(atPath: layout.secretFile) else {
            throw ClusterError(.unreadableFile, "\(layout.secretFile) (the cluster secret) is missing; it is written by cloud-init from mitten cluster up's user-data")
        }
        let name = try await serverName()
        let control = try? read(layout.controlFile, what: "Control's address")
        let role = try BootRole.decide(serverName: name, taskFile: taskFile, vcpus: vcpus, controlFile: control, workersFlag: workersFlag)
        return (role, taskFile)
    }

    private func read(_ path: String, what: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ClusterError(.unreadableFile, "cannot read \(what) at \(path); cloud-init writes it from mitten cluster up's user-data (is this a mitten VM?)")
        }
    }
}
