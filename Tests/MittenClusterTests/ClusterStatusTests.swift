import Foundation
import Testing
@testable import MittenCluster

@Suite struct ClusterStatusTests {
    @Test func rowsAreOrderedControlFirstAndMissingGroupsNamed() throws {
        let spec = try Fixtures.spec()
        func server(_ name: String, _ address: String, _ status: String = "ACTIVE", cluster: String = "checksums") -> CloudState.Server {
            .init(id: name, name: name, status: status, metadata: ["mitten_cluster": cluster], fault: status == "ERROR" ? "boom" : nil,
                  addresses: [address], flavorID: "2")
        }
        let state = CloudState(
            flavors: [.init(id: "2", name: "m1.medium", vcpus: 2, ramMB: 4096)],
            servers: [server("Checksummer-10", "127.0.0.9"), server("Checksummer-2", "127.0.0.8", "ERROR"), server("Control-1", "127.0.0.2"),
                      server("Lister-1", "127.0.0.3"), server("Checksummer-1", "127.0.0.4"), server("Lister-1", "10.9.9.9", cluster: "other")]
        )
        let status = ClusterStatus(spec: spec, state: state, registered: ["127.0.0.2": ["Mitten-control"], "127.0.0.4": ["Checksummer-1.1"]])
        #expect(status.rows.map(\.name) == ["Control-1", "Lister-1", "Checksummer-1", "Checksummer-2", "Checksummer-10"])
        #expect(status.rows.map(\.role) == ["Control", "Lister", "Checksummer", "Checksummer", "Checksummer"])
        #expect(status.rows[0].registered == ["Mitten-control"])
        #expect(status.rows[1].registered == [])
        #expect(status.missing == ["Checksummer: 2/3"])
        let table = status.table.split(separator: "\n").map(String.init)
        #expect(table[0].hasPrefix("NAME            ROLE         STATUS"))
        #expect(table[4].contains("ERROR (boom)"))
        #expect(table.last == "missing: Checksummer: 2/3")
        let json = try JSONDecoder().decode(ClusterStatus.self, from: JSONEncoder().encode(status))
        #expect(json == status)
    }
}
