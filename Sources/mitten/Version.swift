import ArgumentParser
import MittenRuntime

extension MittenCommand {
    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "version", abstract: "Print mitten's version.")

        @Flag(help: "Also print how this binary runs: which executor runs Swift Concurrency, before and after a sleep.")
        var verbose = false

        func run() async {
            print("mitten \(MittenRuntime.version)")
            if verbose {
                // Asked from inside a task: where async code of this process runs.
                let executor = GlobalExecutor.onEventLoop ? "NIO event loops" : "Swift's default (Dispatch)"
                print("global executor: \(executor)")
                // Where a task resumes after a sleep: on the loops only when the runtime's
                // timer hooks are NIO's too.
                try? await Task.sleep(for: .milliseconds(1))
                print("after a sleep: \(GlobalExecutor.onEventLoop ? "NIO event loops" : "Swift's default (Dispatch)")")
            }
        }
    }
}
