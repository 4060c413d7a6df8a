import ArgumentParser
import Foundation
import MittenCluster

extension MittenCommand {
    /// `mitten cluster ...`: provision a cluster described by a cluster file.
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster",
            abstract: "Provision a cluster of VMs from a cluster file (mitten.yaml) and bootstrap mitten on them.",
            subcommands: [Plan.self, Up.self, Status.self, Down.self, SSH.self, Console.self, Render.self]
        )
    }
}

/// The flags every `cluster` subcommand shares.
struct ClusterFileOptions: ParsableArguments {
    @Option(name: [.short, .customLong("file")], help: "The cluster file.")
    var file: String = "mitten.yaml"

    /// The validated cluster file; errors name the file, the line and the key.
    func load() throws -> ClusterSpec {
        do {
            return try ClusterSpec.load(path: file)
        } catch let error as ClusterError {
            throw ValidationError(error.message)
        }
    }
}
