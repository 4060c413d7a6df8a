@testable import OpenStackKit
import Testing

@Suite(.timeLimit(.minutes(1))) struct MetadataClientTests {
    @Test func nothingListeningMeansNotOnAnOpenStackVM() async throws {
        // Port 9 on loopback (discard) has no listener here: the connection is refused.
        let transport = OpenStackTransport(configuration: MetadataClient.transportConfiguration)
        let client = MetadataClient(baseURL: "http://127.0.0.1:9/", transport: transport, logger: testLogger, environment: [:])
        #expect(client.baseURL == "http://127.0.0.1:9")
        let error = await #expect(throws: OpenStackError.self) { try await client.metadata() }
        #expect(error?.code == .notOnOpenStackVM)
        #expect(error?.message.contains("not an OpenStack VM") == true)
        #expect(transport.counter.requests == 2)
        try await transport.shutdown()
    }

    @Test func baseURLComesFromTheEnvironmentWhenNotGiven() async throws {
        let transport = OpenStackTransport(configuration: MetadataClient.transportConfiguration)
        #expect(MetadataClient(transport: transport, logger: testLogger, environment: ["MITTEN_METADATA_URL": "http://127.0.0.1:8775"]).baseURL
            == "http://127.0.0.1:8775")
        #expect(MetadataClient(transport: transport, logger: testLogger, environment: [:]).baseURL == MetadataClient.defaultBaseURL)
        try await transport.shutdown()
    }
}
