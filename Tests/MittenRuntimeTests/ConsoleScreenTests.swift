import Foundation
import Testing
@testable import MittenRuntime

/// Table tests of the console's pure renderer: snapshots (values) in, lines out.
@Suite struct ConsoleScreenTests {
    static func service(_ name: String, kind: String, pid: Int32 = 100, host: String = "vm-1", rss: Int = 9000, uptime: Double = 75,
                        restarts: Int? = nil, columns: [ServiceDescription.Column] = []) -> ServiceDescription {
        var description = ServiceDescription(name: name, kind: kind, columns: columns, restarts: restarts)
        description.pid = pid
        description.hostname = host
        description.rssKB = rss
        description.uptimeSeconds = uptime
        description.openStackRequests = 0
        return description
    }

    static let control = service("Mitten-control", kind: "Control", pid: 7, rss: 11000, restarts: 0, columns: [.init("Children", .integer(2))])
    static let registry = service("Mitten-registry", kind: "Registry", pid: 7, rss: 11000, columns: [
        .init("Count", .integer(5)), .init("Registered", .integer(6)), .init("Expired", .integer(1)),
    ])
    static func queue(_ name: String, items: Int, pid: Int32 = 31) -> ServiceDescription {
        service("Queue-\(name)", kind: "Queue", pid: pid, rss: 7000, columns: [.init("Items", .integer(items)), .init("Leased", .integer(1)), .init("Dead", .integer(0))])
    }
    static let mutex = service("Mutex-nightly", kind: "Mutex", pid: 40, rss: 6000, columns: [.init("Locked", .check(true)), .init("Holder", .text("vm-2:88"))])
    static let freeMutex = service("Mutex-other", kind: "Mutex", pid: 41, rss: 6000, columns: [.init("Locked", .check(false)), .init("Holder", .text(""))])
    static let worker = service("Echo-0", kind: "Echo", pid: 50, rss: 5000, restarts: 3)

    @Test func groupsInOrderControlRegistryTasksQueuesMutexes() {
        let frame = ConsoleFrame(control: "127.0.0.1:7647", state: .live, rows: [
            .init(description: Self.mutex), .init(description: Self.freeMutex), .init(description: Self.queue("jobs", items: 12345), rates: ["Items/s": -2.5]),
            .init(description: Self.worker), .init(description: Self.registry), .init(description: Self.control),
        ])
        #expect(ConsoleScreen.plain(frame) == """
        Control
        Name            PID  Hostname  OS Reqs  RSS KB  Uptime  Restarts  Children
        Mitten-control    7  vm-1            0   11000   1m15s         0         2

        Registry 5✓ 6⤓ 1☠
        Name             PID  Hostname  OS Reqs  RSS KB  Uptime  Count  Registered  Expired  Registered/s  Expired/s
        Mitten-registry    7  vm-1            0   11000   1m15s      5           6        1             -          -

        Echo
        Name    PID  Hostname  OS Reqs  RSS KB  Uptime  Restarts
        Echo-0   50  vm-1            0    5000   1m15s         3

        Queue
        Name        PID  Hostname  OS Reqs  RSS KB  Uptime  Items  Leased  Dead  Items/s
        Queue-jobs   31  vm-1            0    7000   1m15s  12345       1     0     -2.5

        Mutex
        Name           PID  Hostname  OS Reqs  RSS KB  Uptime  Locked  Holder
        Mutex-nightly   40  vm-1            0    6000   1m15s  ☑       vm-2:88
        Mutex-other     41  vm-1            0    6000   1m15s  ☐

        """)
    }

    @Test func lostServicesAreMarkedAndGreyed() {
        let frame = ConsoleFrame(control: "c:1", state: .live, rows: [
            .init(description: Self.queue("a", items: 1)), .init(description: Self.queue("b", items: 22), lostFor: 12.7),
        ])
        let plain = ConsoleScreen.plain(frame)
        #expect(plain.contains("Queue  (1 lost)\n"))
        #expect(plain.contains("Queue-b   31  vm-1            0    7000   1m15s     22       1     0        -  lost 12s\n"))
        let screen = ConsoleScreen.render(frame, width: 200, height: 10, scroll: 0, colour: true)
        #expect(screen.lines.contains { $0.hasPrefix("\u{1B}[90mQueue-b") && $0.hasSuffix("\u{1B}[0m") })
        #expect(!screen.lines.contains { $0.hasPrefix("\u{1B}[90mQueue-a") })
    }

    @Test func waitingForControl() {
        let frame = ConsoleFrame(control: "127.0.0.1:7647", state: .waiting(seconds: 3.9, reason: "connection refused"), rows: [])
        let screen = ConsoleScreen.render(frame, width: 60, height: 5, scroll: 0, colour: false)
        #expect(screen.lines == [
            "mitten console · control 127.0.0.1:7647 · every 2s",
            "waiting for control at 127.0.0.1:7647 (3s)",
            "connection refused",
            "",
            "q quit  ↑↓ PgUp PgDn Home End scroll  lines 1-2 of 2",
        ])
    }

    @Test func emptyRegistryAndEmptyGroups() {
        let frame = ConsoleFrame(control: "c:1", state: .live, rows: [])
        #expect(ConsoleScreen.plain(frame) == "no services registered at c:1\n")
    }

    @Test(arguments: [
        (20, "Name            PID…"),  // 20 cells: the cut keeps 19 and adds the ellipsis
        (10, "Name     …"),
        (1, "…"),
    ])
    func narrowTerminalsCutLinesWithAnEllipsis(width: Int, expectedColumnLine: String) {
        let frame = ConsoleFrame(control: "127.0.0.1:7647", state: .live, rows: [.init(description: Self.control)])
        let screen = ConsoleScreen.render(frame, width: width, height: 8, scroll: 0, colour: false)
        #expect(screen.lines[2] == expectedColumnLine)
        #expect(screen.lines.allSatisfy { DisplayWidth.of($0) <= width })
        #expect(screen.lines.count == 8)
    }

    @Test func scrollingShowsAWindowAndClampsTheOffset() {
        let rows = (0..<30).map { ConsoleFrame.Row(description: Self.queue(String(format: "q%02d", $0), items: $0, pid: Int32(100 + $0))) }
        let frame = ConsoleFrame(control: "c:1", state: .live, rows: rows)
        let top = ConsoleScreen.render(frame, width: 120, height: 10, scroll: 0, colour: false)
        #expect(top.bodyCount == 32 && top.bodyHeight == 8)
        #expect(top.lines[1] == "Queue")
        #expect(top.lines.last == "q quit  ↑↓ PgUp PgDn Home End scroll  lines 1-8 of 32")
        let far = ConsoleScreen.render(frame, width: 120, height: 10, scroll: 1000, colour: false)
        #expect(far.scroll == 24)
        #expect(far.lines[8].hasPrefix("Queue-q29"))
        #expect(far.lines.last == "q quit  ↑↓ PgUp PgDn Home End scroll  lines 25-32 of 32")
        #expect(ConsoleScreen.render(frame, width: 120, height: 10, scroll: -5, colour: false).scroll == 0)
    }

    @Test func colourOnlyWhenAsked() {
        let frame = ConsoleFrame(control: "c:1", state: .live, rows: [.init(description: Self.control)], clock: "04:59:07")
        let plain = ConsoleScreen.render(frame, width: 100, height: 6, scroll: 0, colour: false)
        #expect(plain.lines.allSatisfy { !$0.contains("\u{1B}") })
        #expect(plain.lines[0] == "mitten console · control c:1 · every 2s · 04:59:07")
        let coloured = ConsoleScreen.render(frame, width: 100, height: 6, scroll: 0, colour: true)
        #expect(coloured.lines[0].hasPrefix("\u{1B}[7m"))
        #expect(coloured.lines[1] == "\u{1B}[1mControl\u{1B}[0m")
    }

    @Test func terminalFrameHomesClearsEachLineAndTheRest() {
        #expect(ConsoleScreen.terminalFrame(["a", "b"]) == "\u{1B}[Ha\u{1B}[K\r\nb\u{1B}[K\u{1B}[J")
    }

    @Test(arguments: [
        (false, ["TERM": "xterm"], false),
        (true, ["TERM": "xterm-256color"], true),
        (true, ["TERM": "xterm", "NO_COLOR": "1"], false),
        (true, ["TERM": "xterm", "NO_COLOR": ""], true),
        (true, ["TERM": "dumb"], false),
        (true, [:], false),
    ])
    func colourDecision(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(ConsoleColour.enabled(isTerminal: isTerminal, environment: environment) == expected)
    }
}
