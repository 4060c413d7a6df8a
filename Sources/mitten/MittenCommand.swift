import ArgumentParser
import MittenRuntime

/// The root of the `mitten` command line. Each subcommand lives in its own file as
/// `extension MittenCommand { struct X }`; logic lives in the libraries. The process
/// entry point is main.swift.
struct MittenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitten",
        abstract: "Provision clusters of VMs on OpenStack and run distributed batch work on them.",
        version: MittenRuntime.version,
        subcommands: [
            Startup.self, Status.self, Console.self, QueueCommand.self, MutexCommand.self, Stat.self, StoreCommand.self,
            Cloud.self, Cluster.self, Storage.self, Version.self, Worker.self, ServiceCommand.self,
        ]
    )
}
