import ArgumentParser
import MittenRuntime

/// The root of the `mitten` command line. Each subcommand lives in its own file as
/// `extension MittenCommand { struct X }`; logic lives in the libraries. This is the
/// process entry point. NIO is not installed as Swift Concurrency's global executor:
/// doing so from a synchronous entry point before running the command hung every
/// command on this toolchain; re-measure `mitten-bench ping` before bringing it back.
@main
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
