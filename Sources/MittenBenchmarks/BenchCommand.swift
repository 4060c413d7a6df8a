import ArgumentParser

/// `mitten-bench`: the project's benchmarks. Each workload is a subcommand in its own
/// file (`extension BenchCommand { struct X }`) that prints its figures; nothing here
/// asserts a time. `scripts/bench` runs every workload that needs no external service.

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mitten-bench",
        abstract: "Measure mitten: prints figures, asserts nothing.",
        subcommands: [
            RuntimeAll.self, Ping.self, RegistryNames.self, LookupNames.self, ColdStart.self, IdleMemory.self, StatisticsAdds.self,
            W2.self, W2Worker.self, MutexRoundTrips.self, ServicesCore.self,
            Keystone.self, Storage.self, StorageTransfer.self, SSH.self, ClusterUp.self,
        ]
    )
}
