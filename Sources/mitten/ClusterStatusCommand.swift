import ArgumentParser
import Foundation
import Logging
import MittenCluster
import MittenRuntime

extension MittenCommand.Cluster {
    /// `mitten cluster status`: the cluster's VMs as the cloud sees them.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the cluster's VMs: role, status, flavor, addresses.")
        @OptionGroup var options: ClusterFileOptions
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            let spec = try options.load()
            let logger = Logger(label: "mitten.cluster")
            let state = try await ClusterConnection.withCloud(spec, logger: logger) { cloud in try await cloud.state() }
            var status = ClusterStatus(spec: spec, state: state)
            // The runtime's view: what registered with Control from each VM (REGISTERED
            // stays "?" when Control does not answer or this workstation lacks the secret).
            if let control = status.rows.first(where: { $0.role == "Control" })?.addresses.first,
               let registered = await Self.registeredByAddress(control: "\(control):\(spec.controlPort)", cluster: spec.name) {
                status = ClusterStatus(spec: spec, state: state, registered: registered)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                print(status.rows.isEmpty ? "cluster \(spec.name) has no VMs" : status.table)
            }
        }

        /// The names registered with Control, by the host of their address; nil when
        /// Control does not answer within a few seconds.
        static func registeredByAddress(control: String, cluster: String) async -> [String: [String]]? {
            guard let address = WireAddress(control),
                  let secret = try? ClusterSecret.load(path: ClusterWorkspace(cluster: cluster).secretFile) else { return nil }
            var logger = Logger(label: "mitten.cluster.status")
            logger.logLevel = .critical
            let client = WireClient(address: address, secret: secret, policy: .never, logger: logger)
            let entries = try? await RegistryClient(client: client, timeout: .seconds(5)).list()
            await client.close()
            return entries.map { Dictionary(grouping: $0, by: \.address.host).mapValues { $0.map(\.name).sorted() } }
        }
    }
}
