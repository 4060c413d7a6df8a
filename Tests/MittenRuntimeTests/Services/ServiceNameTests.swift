import Testing
@testable import MittenRuntime

@Suite struct ServiceNameTests {
    static let valid = ["jobs", "a", "Queue_1", "nightly-import", "v1.2", "x.dead"]
    static let invalid = ["", ".", "..", "../etc", "a/b", "/abs", ".hidden", "a..b", "trail.", "sp ace", "nul\u{0}", "é",
                          String(repeating: "a", count: 101)]

    @Test(arguments: valid) func accepted(_ name: String) throws {
        #expect(try ServiceName(name).value == name)
    }

    @Test(arguments: invalid) func refused(_ name: String) {
        #expect { try ServiceName(name) } throws: { ($0 as? RuntimeError)?.code == .invalidName }
    }

    @Test(arguments: [("jobs", "jobs", QueueLane.main), ("jobs.dead", "jobs", .dead), (".dead", ".dead", .main)])
    func deadLetterNames(_ input: String, _ service: String, _ lane: QueueLane) {
        let split = QueueLane.split(input)
        #expect(split.service == service && split.lane == lane)
    }

    @Test(arguments: ["1.1", "42.7"]) func leaseIDsRoundTrip(_ text: String) {
        #expect(LeaseID(text)?.description == text)
    }

    @Test(arguments: ["", "1", "a.b", "0.1", "1.0", "1.2.3", "-1.1"]) func badLeaseIDs(_ text: String) {
        #expect(LeaseID(text) == nil)
    }
}
