import Foundation
import Testing
@testable import MittenRuntime

/// Which mappings a process may give back, and that giving them back is harmless.
@Suite struct ResidentMemoryTests {
    static let smaps = """
    55d0c0000000-55d0c2c68000 r-xp 00000000 fd:01 123 /usr/local/bin/mitten
    Size:              45472 kB
    Rss:               16580 kB
    Private_Dirty:         0 kB
    Shared_Dirty:          0 kB
    Anonymous:             0 kB
    55d0c2c69000-55d0c2db9000 r--p 02c68000 fd:01 123 /usr/local/bin/mitten
    Size:               1344 kB
    Private_Dirty:      1344 kB
    Shared_Dirty:          0 kB
    Anonymous:          1344 kB
    55d0c2db9000-55d0c38de000 rw-p 02db8000 fd:01 123 /usr/local/bin/mitten
    Private_Dirty:      3096 kB
    Anonymous:          3096 kB
    55d0c4000000-55d0c4021000 rw-p 00000000 00:00 0 [heap]
    Anonymous:            16 kB
    7f2200000000-7f22000c5000 r--p 00000000 fd:01 77 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
    Private_Dirty:         0 kB
    Shared_Dirty:          0 kB
    Anonymous:             0 kB
    7f22000c5000-7f2200342000 r-xp 000c5000 fd:01 77 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
    Anonymous:             0 kB
    7f2300000000-7f2300001000 r--s 00000000 fd:01 88 /dev/shm/shared
    Anonymous:             0 kB
    7f2400000000-7f2400002000 r--p 00000000 00:00 0 [vvar]
    Anonymous:             0 kB
    7f2500000000-7f2500010000 r-xp 00000000 fd:01 99 /opt/app/libjust-written.so
    Private_Dirty:         4 kB
    Shared_Dirty:       1024 kB
    Anonymous:             0 kB
    7f2600000000-7f2600010000 r-xp 00000000 fd:01 98 /opt/app/libtextrel.so
    Private_Dirty:         8 kB
    Anonymous:             8 kB
    """

    @Test func onlyCleanPrivateReadOnlyFileMappingsAreReleasable() {
        let found = ResidentMemory.releasable(smaps: Self.smaps)
        #expect(found == [
            .init(start: 0x55d0c0000000, end: 0x55d0c2c68000),  // the binary's code and read-only data
            .init(start: 0x7f2200000000, end: 0x7f22000c5000),  // a library's read-only data
            .init(start: 0x7f22000c5000, end: 0x7f2200342000),  // a library's code
            .init(start: 0x7f2500000000, end: 0x7f2500010000),  // code of a file written moments ago (dirty page cache)
        ])
        // Not: relocated RELRO data (copied pages), writable data, the heap, a shared
        // mapping, kernel pseudo-files, code with text relocations (copied pages).
    }

    @Test func releasingThemLeavesTheProcessWorking() throws {
        let released = ResidentMemory.releaseCleanFilePages()
        #expect(released > 0)
        // Code and read-only data come back from the page cache on the next touch.
        let text = String(decoding: try JSONEncoder().encode(["k": [1, 2, 3]]), as: UTF8.self)
        #expect(text == #"{"k":[1,2,3]}"#)
        #expect(ResidentMemory.releasable(smaps: ResidentMemory.procText("/proc/self/smaps") ?? "").count > 0)
    }

    /// After a release, the next check releases only when the process was idle since the
    /// check before it and has mapped back at least the minimum since the release.
    @Test(arguments: [
        // (CPU ms used in the 2 s since the previous check, KB mapped back since the release, release?)
        (0, 4_700, true),      // an idle worker after its ping and renewal
        (40, 4_700, true),     // 2% of one CPU: still idle
        (41, 4_700, false),    // busy: keeps its pages
        (900, 20_000, false),  // working hard
        (0, 3_071, false),     // too little mapped back to be worth it
        (0, 3_072, true),
        (0, 0, false),         // nothing happened
    ])
    func releasesAgainOnlyWhenIdleAndGrown(cpuMilliseconds: Int64, grownKB: Int, expected: Bool) {
        var trim = ResidentMemory.IdleTrim()
        let second: Int64 = 1_000_000_000
        trim.released(fileResidentKB: 7_000)
        let first = trim.shouldRelease(.init(cpuNanoseconds: second, wallNanoseconds: 50 * second, fileResidentKB: 7_000))
        #expect(!first)  // the first check only notes its sample
        let sample = ResidentMemory.IdleTrim.Sample(cpuNanoseconds: second + cpuMilliseconds * 1_000_000, wallNanoseconds: 52 * second,
                                                    fileResidentKB: 7_000 + grownKB)
        let decided = trim.shouldRelease(sample)
        #expect(decided == expected)
    }

    @Test func theFirstCheckReleasesStartUpPagesWhateverTheLoad() {
        var trim = ResidentMemory.IdleTrim()
        let first = trim.shouldRelease(.init(cpuNanoseconds: 3_000_000_000, wallNanoseconds: 5_000_000_000, fileResidentKB: 26_000))
        #expect(first)
        trim.released(fileResidentKB: 4_000)
        let second = trim.shouldRelease(.init(cpuNanoseconds: 3_000_000_000, wallNanoseconds: 7_000_000_000, fileResidentKB: 4_800))
        #expect(!second)
    }

    @Test(arguments: [
        ("7346 2710 1697 11493 0 1113 0\n", 1697),
        ("7346 2710 1697", 1697),
        ("1 2 0 4 0 6 0\n", 0),
        ("7346 2710", nil),
        ("7346 2710 -5 1 0 1 0\n", nil),
        ("", nil),
    ] as [(String, Int?)])
    func readsTheSharedFieldOfStatm(text: String, expected: Int?) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { ResidentMemory.sharedPages(statm: $0) } == expected)
    }

    @Test func readsThisProcessFigures() {
        #expect(ResidentMemory.fileResidentKB() > 0)
        let before = ResidentMemory.nanoseconds(CLOCK_PROCESS_CPUTIME_ID)
        var sum = 0
        for value in 0..<2_000_000 { sum &+= value &* value }
        #expect(sum != 0)
        #expect(ResidentMemory.nanoseconds(CLOCK_PROCESS_CPUTIME_ID) > before)
    }
}
