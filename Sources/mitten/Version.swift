import ArgumentParser
import MittenRuntime

extension MittenCommand {
    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "version", abstract: "Print mitten's version.")

        @Flag(help: "Also print how this binary runs: which executor runs Swift Concurrency.")
        var verbose = false

        func run() async {
            print("mitten \(MittenRuntime.version)")
            if verbose {
                // Asked from inside a task: where async code of this process runs.
                let executor = GlobalExecutor.onEventLoop ? "NIO event loops" : "Swift's default (Dispatch)"
                print("global executor: \(executor)")
            }
        }
    }
}
