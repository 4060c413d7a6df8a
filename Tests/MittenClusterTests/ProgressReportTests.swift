import Foundation
import Testing
@testable import MittenCluster

@Suite struct ProgressReportTests {
    @Test func plainLinesOnePerChange() {
        var report = ProgressReport(nodes: ["Control-1", "Checksummer-1"], style: .plain)
        #expect(report.update(node: "Control-1", phase: .building, elapsed: 0.04) == "Control-1         building        0.0s\n")
        #expect(report.update(node: "Checksummer-1", phase: .failed, elapsed: 21.26, note: "ERROR: No valid host") ==
            "Checksummer-1     failed         21.3s  ERROR: No valid host\n")
    }

    @Test func jsonEventsParse() throws {
        var report = ProgressReport(nodes: ["Control-1"], style: .json)
        let line = report.update(node: "Control-1", phase: .registered, elapsed: 3.14159)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["node"] as? String == "Control-1")
        #expect(object["phase"] as? String == "registered")
        #expect(object["elapsed"] as? Double == 3.1)
    }

    @Test func terminalRedrawsEveryRowInPlace() {
        var report = ProgressReport(nodes: ["Control-1", "Lister-1"], style: .terminal)
        let first = report.update(node: "Control-1", phase: .building, elapsed: 1)
        #expect(!first.contains("\u{1B}[2A"))
        #expect(first.components(separatedBy: "\n").count == 3)
        let second = report.update(node: "Lister-1", phase: .active, elapsed: 2)
        #expect(second.hasPrefix("\u{1B}[2A"))
        #expect(second.contains("Control-1         building") && second.contains("Lister-1          active"))
    }
}
