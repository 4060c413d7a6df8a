import ArgumentParser
import MittenRuntime

/// The root of the `mitten` command line. Each subcommand lives in its own file as
/// `extension MittenCommand { struct X }`; logic lives in the libraries.
@main
struct MittenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitten",
        abstract: "Provision clusters of VMs on OpenStack and run distributed batch work on them.",
        version: MittenRuntime.version,
        subcommands: [Version.self, Storage.self, QueueCommand.self, MutexCommand.self, StoreCommand.self, Cloud.self, Cluster.self, Console.self]
    )
}
