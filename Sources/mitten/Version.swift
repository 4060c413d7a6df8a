import ArgumentParser
import MittenRuntime

extension MittenCommand {
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "version", abstract: "Print mitten's version.")

        func run() {
            print("mitten \(MittenRuntime.version)")
        }
    }
}
