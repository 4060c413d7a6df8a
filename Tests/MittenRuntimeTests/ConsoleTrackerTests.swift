import Testing
@testable import MittenRuntime

/// Lost services, rates between refreshes, display widths and key decoding.
@Suite struct ConsoleTrackerTests {
    @Test func lostServicesStayForTheKeepPeriodThenGo() {
        var tracker = LostTracker(keep: 30)
        let a = ConsoleScreenTests.queue("a", items: 1)
        let b = ConsoleScreenTests.queue("b", items: 2)
        #expect(tracker.update([a, b], at: 0).map(\.lostFor) == [nil, nil])
        let later = tracker.update([a], at: 10)
        #expect(later.map(\.description.name) == ["Queue-a", "Queue-b"])
        #expect(later.map(\.lostFor) == [nil, 10])
        #expect(tracker.update([a], at: 30).map(\.lostFor) == [nil, 30])
        #expect(tracker.update([a], at: 31).map(\.lostFor) == [nil])
        // Back after being dropped: a fresh row, not lost.
        #expect(tracker.update([a, b], at: 41).map(\.lostFor) == [nil, nil])
    }

    @Test(arguments: [
        // (seen at, times asked, expected lostFor at the last time)
        ([0.0], 29.0, Optional(29.0)),
        ([0.0], 30.0, Optional(30.0)),
        ([0.0], 30.5, nil),
        ([0.0, 20.0], 45.0, Optional(25.0)),
    ])
    func keepBoundary(seen: [Double], at now: Double, expected: Double?) {
        var tracker = LostTracker(keep: 30)
        let b = ConsoleScreenTests.queue("b", items: 2)
        for time in seen { _ = tracker.update([b], at: time) }
        let rows = tracker.update([], at: now)
        #expect(rows.first?.lostFor == expected)
        #expect(rows.count == (expected == nil ? 0 : 1))
    }

    @Test func ratesAreComputedBetweenTheConsolesOwnRefreshes() {
        var tracker = RateTracker()
        #expect(tracker.update([ConsoleScreenTests.queue("jobs", items: 100)], at: 0).isEmpty)
        #expect(tracker.update([ConsoleScreenTests.queue("jobs", items: 60)], at: 2) == ["Queue-jobs": ["Items/s": -20]])
        #expect(tracker.update([ConsoleScreenTests.queue("jobs", items: 160)], at: 6) == ["Queue-jobs": ["Items/s": 25]])
        // A restarted service (new pid) starts over.
        #expect(tracker.update([ConsoleScreenTests.queue("jobs", items: 0, pid: 99)], at: 8).isEmpty)
        // Kinds without counters have no rates.
        #expect(tracker.update([ConsoleScreenTests.mutex], at: 8).isEmpty)
    }

    @Test func rateTitlesSkipColumnsTheServiceReports() {
        #expect(RateTracker.rateTitles(kind: "Queue", reported: ["Items", "Delta", "Items/s", "Leased", "Dead", "Acked"]) == ["Acked/s"])
        #expect(RateTracker.rateTitles(kind: "Statistics", reported: ["Items", "Mean", "StdDev"]) == ["Items/s"])
        #expect(RateTracker.rateTitles(kind: "Echo", reported: []) == [])
    }

    @Test(arguments: [
        ("abc", 3), ("✓⤓☠", 3), ("☑☐", 2), ("日本", 4), ("e\u{301}", 1), ("🙂", 2), ("", 0), ("\u{1B}", 0),
    ])
    func displayWidth(text: String, cells: Int) {
        #expect(DisplayWidth.of(text) == cells)
    }

    @Test(arguments: [
        ("abcdef", 4, "abc…"), ("abc", 3, "abc"), ("日本語", 4, "日…"), ("✓✓✓✓", 3, "✓✓…"), ("abc", 0, ""),
    ])
    func truncate(text: String, width: Int, expected: String) {
        #expect(DisplayWidth.truncate(text, to: width) == expected)
    }

    @Test(arguments: [
        ([UInt8(ascii: "q")], [ConsoleKey.quit]),
        ([0x03], [.quit]),
        ([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42], [.up, .down]),
        ([0x1B, 0x4F, 0x41], [.up]),
        (Array("\u{1B}[5~\u{1B}[6~".utf8), [.pageUp, .pageDown]),
        (Array("\u{1B}[H\u{1B}[F\u{1B}[1~\u{1B}[4~".utf8), [.home, .end, .home, .end]),
        (Array("x\u{1B}[Zj".utf8), [.down]),
        ([0x1B], []),
    ])
    func keys(bytes: [UInt8], expected: [ConsoleKey]) {
        #expect(ConsoleKey.parse(bytes) == expected)
    }

    @Test(arguments: [
        (ConsoleKey.down, 0, 1), (.up, 0, 0), (.pageDown, 0, 9), (.pageDown, 15, 20), (.pageUp, 5, 0), (.end, 0, 20), (.home, 7, 0), (.down, 20, 20),
    ])
    func scrolling(key: ConsoleKey, from offset: Int, to expected: Int) {
        #expect(key.scrolled(offset, page: 10, count: 30) == expected)
    }
}

@Suite struct ConsoleDurationTests {
    @Test(arguments: [
        ("2s", Optional(Duration.seconds(2))), ("500ms", .milliseconds(500)), ("1m", .seconds(60)), ("1.5", .milliseconds(1500)),
        ("50ms", nil), ("abc", nil), ("", nil), ("-2s", nil), ("2h", nil),
    ])
    func parse(text: String, expected: Duration?) {
        #expect(ConsoleDuration.parse(text) == expected)
    }
}
