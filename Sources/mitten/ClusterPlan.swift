import ArgumentParser
import Logging
import MittenCluster

extension MittenCommand.Cluster {
    /// `mitten cluster plan`: what `up` would create, change and leave alone.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show what `up` would create, change and leave alone; touches nothing.")
        @OptionGroup var options: ClusterFileOptions

        func run() async throws {
            let spec = try options.load()
            let report = try await ClusterConnection.withCloud(spec, logger: Logger(label: "mitten.cluster")) { cloud in
                try ClusterPlan.compute(spec: spec, state: try await cloud.state()).report
            }
            print(report)
        }
    }
}
