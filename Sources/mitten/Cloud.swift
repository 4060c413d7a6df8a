import ArgumentParser
import Foundation
import LocalCloud
import Logging
import MittenRuntime

extension MittenCommand {
    /// `mitten cloud start|status|stop`: the local cloud on loopback.
    struct Cloud: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cloud",
            abstract: "Run an OpenStack-compatible cloud on 127.0.0.1 whose servers are local processes.",
            discussion: "See docs/local-cloud.md. Clients reach it as the clouds.yaml cloud `mitten-local`.",
            subcommands: [Start.self, Status.self, Stop.self]
        )
    }
}

extension MittenCommand.Cloud {
    /// Where the cloud keeps its state.
    struct DataOptions: ParsableArguments {
        @Option(name: .customLong("data-dir"), help: "The cloud's data directory (default $MITTEN_CLOUD_DIR, else ~/.mitten/cloud).")
        var dataDirectory: String?

        var url: URL {
            dataDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? LocalCloud.defaultDataDirectory
        }
    }

    /// Prints how to reach a running cloud (unbuffered, so a daemon's log has it at once).
    static func printSnippet(_ endpoint: LocalCloud.Endpoint, dataDirectory: URL) {
        let text = """
            mitten local cloud: \(endpoint.baseURL) (pid \(endpoint.pid), data \(dataDirectory.path))

            # environment (password, Keystone v3)
            \(endpoint.environmentSnippet)

            # clouds.yaml (e.g. ~/.config/openstack/clouds.yaml), then `openstack --os-cloud mitten-local ...`
            \(endpoint.cloudsYAMLSnippet)

            """
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the local cloud (a background daemon unless --foreground).")

        @OptionGroup var data: DataOptions
        @Flag(help: "Serve in this process until SIGINT/SIGTERM instead of starting a daemon.") var foreground = false
        @Option(help: "A YAML configuration file (default: config.yaml in the data directory, if present).") var config: String?
        @Option(help: "API port on 127.0.0.1 (0: the previous one if free, else ephemeral).") var port: Int?
        @Option(help: "First three octets of server addresses, e.g. 127.0.0.") var fixedAddressPrefix: String?
        @Option(help: "Port of each server's sshd.") var sshPort: Int?
        @Option(help: "Seconds of latency added to every API request.") var apiLatency: Double?
        @Option(help: "Seconds a server stays in BUILD.") var bootDuration: Double?
        @Option(help: "Fraction (0-1) of boots that end in ERROR.") var errorFraction: Double?
        @Option(help: "Boots of servers whose name matches this regex end in ERROR.") var errorNamePattern: String?
        @Option(help: "At most this many boots end in an injected ERROR.") var errorLimit: Int?
        @Option(help: "Servers whose name matches this regex present a host key the cloud generates instead of their user-data's.")
        var foreignHostKeyNamePattern: String?
        @Option(help: "Fault message of injected ERRORs.") var faultMessage: String?
        @Option(help: "Quota: servers.") var quotaInstances: Int?
        @Option(help: "Quota: vCPUs.") var quotaCores: Int?
        @Option(help: "Quota: RAM in MiB.") var quotaRam: Int?
        @Option(help: "API requests admitted per second (rate limit).") var rateLimit: Double?
        @Option(help: "Requests admitted in a burst.") var rateLimitBurst: Int?
        @Option(help: "Status of a rate-limited response (413 or 429).") var rateLimitStatus: Int?
        @Option(help: "Token lifetime in seconds.") var tokenLifetime: Double?

        func cloudConfiguration() throws -> LocalCloud.Configuration {
            let defaultFile = data.url.appendingPathComponent("config.yaml").path
            var c = LocalCloud.Configuration()
            if let config { c = try LocalCloud.Configuration.load(from: config) } else if FileManager.default.fileExists(atPath: defaultFile) {
                c = try LocalCloud.Configuration.load(from: defaultFile)
            }
            if let port { c.port = port }
            if let fixedAddressPrefix { c.fixedAddressPrefix = fixedAddressPrefix }
            if let sshPort { c.sshPort = sshPort }
            if let apiLatency { c.faults.apiLatency = apiLatency }
            if let bootDuration { c.faults.bootDuration = bootDuration }
            if let errorFraction { c.faults.errorFraction = errorFraction }
            if let errorNamePattern { c.faults.errorNamePattern = errorNamePattern }
            if let errorLimit { c.faults.errorLimit = errorLimit }
            if let foreignHostKeyNamePattern { c.faults.foreignHostKeyNamePattern = foreignHostKeyNamePattern }
            if let faultMessage { c.faults.faultMessage = faultMessage }
            if let quotaInstances { c.quotas.instances = quotaInstances }
            if let quotaCores { c.quotas.cores = quotaCores }
            if let quotaRam { c.quotas.ram = quotaRam }
            if let rateLimit { c.faults.rateLimitPerSecond = rateLimit }
            if let rateLimitBurst { c.faults.rateLimitBurst = rateLimitBurst }
            if let rateLimitStatus { c.faults.rateLimitStatus = rateLimitStatus }
            if let tokenLifetime { c.faults.tokenLifetime = tokenLifetime }
            try c.validate()
            return c
        }

        func run() async throws {
            let configuration = try cloudConfiguration()
            let directory = data.url
            if foreground {
                var logger = Logger(label: "mitten.cloud")
                logger.logLevel = .info
                let cloud = LocalCloud(configuration: configuration, dataDirectory: directory, logger: logger)
                try await cloud.run(handleSignals: true) { endpoint in
                    MittenCommand.Cloud.printSnippet(endpoint, dataDirectory: directory)
                }
                return
            }
            if let endpoint = LocalCloud.Daemon.running(in: directory) {
                print("already running")
                MittenCommand.Cloud.printSnippet(endpoint, dataDirectory: directory)
                return
            }
            let executable = ChildProcess.currentExecutable
            var arguments = Array(CommandLine.arguments.dropFirst())
            arguments += ["--foreground", "--data-dir", directory.path]
            let endpoint = try LocalCloud.Daemon.start(executable: executable, arguments: arguments, dataDirectory: directory)
            MittenCommand.Cloud.printSnippet(endpoint, dataDirectory: directory)
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Show whether the local cloud runs, and its servers.")
        @OptionGroup var data: DataOptions

        func run() async throws {
            let directory = data.url
            guard let endpoint = LocalCloud.Daemon.running(in: directory) else {
                print("not running (data \(directory.path)); start it with `mitten cloud start`")
                throw ExitCode(3)
            }
            print("running: \(endpoint.baseURL) (pid \(endpoint.pid), data \(directory.path))")
            let servers = LocalCloud.Daemon.servers(in: directory)
            print("servers: \(servers.count)")
            for server in servers { print("  \(server.name)  \(server.status)  \(server.address)") }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the local cloud and every local server's processes.")
        @OptionGroup var data: DataOptions

        func run() async throws {
            if try LocalCloud.Daemon.stop(dataDirectory: data.url) {
                print("stopped")
            } else {
                print("not running")
            }
        }
    }
}
