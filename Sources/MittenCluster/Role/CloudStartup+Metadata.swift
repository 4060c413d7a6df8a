import Foundation
import Logging
import OpenStackKit

extension CloudStartup {
    /// This server's name from the metadata service's `meta_data.json` `name` (never the
    /// sanitized hostname). The base URL is `MITTEN_METADATA_URL` when set.
    public static func serverNameFromMetadata(
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) async throws -> String {
        let transport = OpenStackTransport(configuration: MetadataClient.transportConfiguration)
        do {
            let client = MetadataClient(baseURL: metadataBaseURL(environment: environment), transport: transport, logger: logger, environment: environment)
            let name = try await client.metadata().name
            try await transport.shutdown()
            return name
        } catch {
            try? await transport.shutdown()
            throw ClusterError(
                .unreadableFile,
                "cannot learn this server's name from the metadata service at \(metadataBaseURL(environment: environment)) (is this an OpenStack VM? locally, use --localhost --type): \(error)"
            )
        }
    }
}
