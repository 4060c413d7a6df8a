import ArgumentParser
import Foundation
import MittenCluster

extension MittenCommand.Cluster {
    /// `mitten cluster render NODE`: the cloud-init user-data a VM would get.
    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "render",
            abstract: "Print the cloud-init user-data a VM would get (secrets masked unless --show-secrets)."
        )

        @OptionGroup var options: ClusterFileOptions

        @Argument(help: "The VM's name, e.g. Checksummer-2.")
        var node: String

        @Flag(help: "Show the cluster secret and the VM's private host key instead of masking them.")
        var showSecrets = false

        @Option(help: "Control's address HOST:PORT to write for a worker (default: a placeholder until Control runs).")
        var control: String?

        func run() async throws {
            let spec = try options.load()
            let workspace = ClusterWorkspace(cluster: spec.name)
            let control = control ?? "CONTROL-ADDRESS:\(spec.controlPort)"
            let data = try spec.bootData(node: node, controlAddress: control, workspace: workspace)
            let renderer = try UserDataRenderer()
            let full = renderer.render(data)
            let userData = try RenderedUserData(text: full, node: node)
            print(showSecrets ? full : renderer.render(data, maskSecrets: true), terminator: "")
            let size = userData.isGzipped
                ? "\(userData.renderedSize) bytes, gzipped to \(userData.encodedSize) base64 bytes"
                : "\(userData.renderedSize) bytes, \(userData.encodedSize) in base64"
            FileHandle.standardError.write(Data("# \(node) (\(data.role)): user-data \(size) of \(RenderedUserData.maximumEncodedSize) allowed\n".utf8))
        }
    }
}
