import ArgumentParser
import Logging
import MittenCluster

extension MittenCommand.Cluster {
    /// `mitten cluster down`: delete every VM and floating IP of the cluster.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "down", abstract: "Delete every VM and floating IP of the cluster, and verify that none remain.")
        @OptionGroup var options: ClusterFileOptions

        func run() async throws {
            let spec = try options.load()
            let logger = Logger(label: "mitten.cluster")
            let outcome = try await ClusterConnection.withCloud(spec, logger: logger) { cloud in
                try await Teardown(spec: spec, cloud: cloud, workspace: ClusterWorkspace(cluster: spec.name), clock: ContinuousClock(), logger: logger).down()
            }
            print(outcome.servers.isEmpty ? "no servers of cluster \(spec.name) to delete" : "deleted: \(outcome.servers.joined(separator: ", "))")
            if !outcome.floatingIPs.isEmpty { print("released floating IPs: \(outcome.floatingIPs.joined(separator: ", "))") }
        }
    }
}
