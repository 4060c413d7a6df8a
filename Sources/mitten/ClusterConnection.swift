import ArgumentParser
import Foundation
import LocalCloud
import Logging
import MittenCluster
import OpenStackKit

/// Opens the cloud a cluster file's `cloud:` names and runs `body` with it, shutting
/// the HTTP client down afterwards.
enum ClusterConnection {
    static func withCloud<T: Sendable>(
        _ spec: ClusterSpec, logger: Logger, _ body: (OpenStackClusterCloud) async throws -> T
    ) async throws -> T {
        let client = OpenStackClient(credentials: try credentials(for: spec), logger: logger)
        do {
            let result = try await body(OpenStackClusterCloud(client: client, spec: spec))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// `local`: the clouds.yaml cloud `mitten-local` that `mitten cloud start` prints;
    /// `power_mitten`: `~/.power_mitten` alone; otherwise that clouds.yaml cloud.
    static func credentials(for spec: ClusterSpec) throws -> Credentials {
        do {
            switch spec.cloud {
            case .local:
                return try localCloudCredentials()
            case .powerMitten:
                let path = NSHomeDirectory() + "/.power_mitten"
                guard let fields = try CredentialFields.powerMitten(at: path), let url = fields.authURL else {
                    throw ValidationError("\(spec.file) says cloud: power_mitten, but \(path) is missing or has no openstack_auth_url")
                }
                return Credentials(fields: fields, authURL: url)
            case .cloudsYAML(let name):
                return try Credentials.resolve(cloud: name)
            }
        } catch let error as OpenStackError {
            throw ValidationError("cloud \(spec.cloud) of \(spec.file): \(error.message)")
        }
    }

    /// `cloud: local`: the local cloud that `mitten cloud start` runs (data directory
    /// `MITTEN_CLOUD_DIR`, default ~/.mitten/cloud), found through its daemon file, so no
    /// clouds.yaml is needed; the clouds.yaml cloud `mitten-local` when none runs there.
    static func localCloudCredentials() throws -> Credentials {
        let directory = LocalCloud.defaultDataDirectory
        if let endpoint = LocalCloud.Daemon.running(in: directory) {
            let user = endpoint.credentials
            return Credentials(
                authURL: endpoint.authURL, identityAPIVersion: .v3,
                username: user.username, password: Secret(user.password), userDomainName: user.domainName,
                projectName: user.projectName, projectDomainName: user.domainName)
        }
        do {
            return try Credentials.resolve(cloud: "mitten-local")
        } catch {
            throw ValidationError("cloud: local, but no local cloud runs in \(directory.path) (start it with `mitten cloud start`) and no clouds.yaml names mitten-local")
        }
    }
}
