import Testing
@testable import MittenRuntime

@Suite struct StatusTableTests {
    func row(_ name: String, kind: String, pid: Int32, rss: Int, columns: [ServiceDescription.Column]) -> ServiceDescription {
        var description = ServiceDescription(name: name, kind: kind, columns: columns)
        description.pid = pid
        description.hostname = "vm-1"
        description.rssKB = rss
        description.uptimeSeconds = 75
        return description
    }

    @Test func groupsByKindControlFirstNumbersRightAligned() {
        let text = StatusTable.render([
            row("Statistics-b", kind: "Statistics", pid: 12, rss: 9000, columns: [.init("Items", .integer(3)), .init("Mean", .number(2.5, digits: 3))]),
            row("Mitten-control", kind: "Control", pid: 7, rss: 11000, columns: [.init("Children", .integer(1))]),
            row("Statistics-a", kind: "Statistics", pid: 1234, rss: 800, columns: [.init("Items", .integer(12345)), .init("Mean", .number(-0.5, digits: 3))]),
        ])
        #expect(text == """
        Control
        Name            PID  Hostname  OS Reqs  RSS KB  Uptime  Children
        Mitten-control    7  vm-1            0   11000   1m15s         1

        Statistics
        Name           PID  Hostname  OS Reqs  RSS KB  Uptime  Items    Mean
        Statistics-a  1234  vm-1            0     800   1m15s  12345  -0.500
        Statistics-b    12  vm-1            0    9000   1m15s      3   2.500

        """)
    }

    @Test(arguments: [(2.5, 3, "2.500"), (0.0004, 3, "0.000"), (-1.25, 1, "-1.3"), (10, 0, "10"), (1.999, 2, "2.00")])
    func fixedDigits(number: Double, digits: Int, expected: String) {
        #expect(StatusTable.fixed(number, digits: digits) == expected)
    }
}
