import ArgumentParser
import Foundation
import Logging
import MittenCluster

extension MittenCommand.Cluster {
    /// `mitten cluster status`: the cluster's VMs as the cloud sees them.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the cluster's VMs: role, status, flavor, addresses.")
        @OptionGroup var options: ClusterFileOptions
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            let spec = try options.load()
            let status = try await ClusterConnection.withCloud(spec, logger: Logger(label: "mitten.cluster")) { cloud in
                ClusterStatus(spec: spec, state: try await cloud.state())
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } else {
                print(status.rows.isEmpty ? "cluster \(spec.name) has no VMs" : status.table)
            }
        }
    }
}
