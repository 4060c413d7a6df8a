import ArgumentParser
import Foundation
import Logging
import MittenCluster

extension MittenCommand.Cluster {
    /// `mitten cluster ssh NODE [-- cmd...]`.
    struct SSH: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ssh",
            abstract: "Run a command on a VM (-- cmd ...) or open an interactive OpenSSH session; the host key is the one mitten generated."
        )
        @OptionGroup var options: ClusterFileOptions
        @Option(help: "SSH port of the VMs.") var sshPort = 22
        @Argument(help: "The VM's name, e.g. Checksummer-2.") var node: String
        @Argument(parsing: .postTerminator, help: "The command to run (after --).") var command: [String] = []

        func run() async throws {
            let spec = try options.load()
            let logger = Logger(label: "mitten.cluster")
            let shell = ClusterShell(spec: spec, workspace: ClusterWorkspace(cluster: spec.name), port: sshPort)
            let address = try await ClusterConnection.withCloud(spec, logger: logger) { cloud in
                try shell.address(of: node, in: try await cloud.state())
            }
            if command.isEmpty {
                let argv = try shell.openSSHArguments(node: node, address: address)
                let cArgs = argv.map { strdup($0) } + [nil]
                execvp("ssh", cArgs)
                throw ValidationError("cannot run OpenSSH's ssh (\(String(cString: strerror(errno)))); install openssh-client")
            }
            let result = try await shell.run(command, node: node, address: address, logger: logger)
            FileHandle.standardOutput.write(Data(result.output))
            FileHandle.standardError.write(Data(result.error))
            if result.status != 0 { throw ExitCode(result.status) }
        }
    }
}
