import ArgumentParser
import Foundation
import MittenRuntime

extension BenchCommand {
    /// W5: resident memory of an idle Control and an idle worker.
    struct IdleMemory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "idle-rss", abstract: "W5: idle RSS of Control and of an idle worker.")
        @OptionGroup var options: BenchOptions

        func run() async throws {
            let (_, secret, environment) = try Bench.workspace()
            let (control, address) = try await Bench.startControl(mitten: options.mittenPath, environment: environment, secret: secret)
            let worker = try ChildProcess.spawn(executable: options.mittenPath, arguments: ["worker", "--type", "Idle", "--control", address.description, "--log-level", "error"], environment: environment)
            try await Task.sleep(for: .seconds(2))
            print("W5 idle RSS: Control \(ProcessFacts.residentKB(pid: control.pid)) KB, idle worker \(ProcessFacts.residentKB(pid: worker.pid)) KB")
            await Bench.stop(worker)
            await Bench.stop(control)
        }
    }
}
