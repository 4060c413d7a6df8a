import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Lets a long-running mitten process give back the pages of its executable (and of
/// shared libraries) that only its start touched: the Swift runtime's scans and the
/// dynamic loader's relocations read ~20 MB of the 60 MB binary once (code, metadata,
/// the relocation table, plus the kernel's fault-around), and they would count in the
/// process's resident set for as long as it lives.
///
/// Only mappings that are private, file-backed, never writable and hold no copied
/// (anonymous) page are released: their pages are the page cache's, so
/// `MADV_DONTNEED` merely unmaps them, and what is used again is mapped back from the
/// page cache on the next touch. Relocated data (`.data.rel.ro`, RELRO) has copied
/// pages and is never touched here.
public enum ResidentMemory {
    /// Releases start-up pages `delay` after now (once the start has settled: released
    /// earlier, pages the start is still about to use are faulted right back), then
    /// checks every `period` and releases again when the process was idle since the
    /// last check and has mapped pages back since the last release (``IdleTrim``): an
    /// idle worker's ping and lease renewal every 10 s fault ~4.7 MB of code back in
    /// (64 KB of fault-around per fault), which would otherwise stay until the next
    /// release. A busy process keeps its pages. Runs off the event loops.
    public static func trimAfterStart(delay: Duration = .seconds(5), period: Duration = .seconds(2)) {
        let queue = DispatchQueue.global(qos: .utility)
        let every = DispatchTimeInterval.nanoseconds(nanoseconds(period))
        let policy = Mutex(IdleTrim())
        @Sendable func release() {
            _ = releaseCleanFilePages()
            let after = fileResidentKB()
            policy.withLock { $0.released(fileResidentKB: after) }
        }
        @Sendable func check() {
            let sample = IdleTrim.Sample(cpu: processCPUTime(), wall: ContinuousClock.now, fileResidentKB: fileResidentKB())
            if policy.withLock({ $0.shouldRelease(sample) }) { release() }
            queue.asyncAfter(deadline: .now() + every, execute: check)
        }
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds(delay))) {
            release()
            check()
        }
    }

    /// When to release again after the first time: a pure decision over samples of the
    /// process's CPU time and file-backed resident memory.
    struct IdleTrim {
        struct Sample {
            var cpu: Duration
            var wall: ContinuousClock.Instant
            var fileResidentKB: Int
        }

        /// At most this share of one CPU used since the previous check counts as idle.
        var idleShare = 0.02
        /// Releases only once this much has been mapped back since the last release.
        var minimumGrowthKB = 512
        private var previous: Sample?
        private var afterRelease: Int?

        /// Notes the file-backed resident memory right after a release.
        mutating func released(fileResidentKB: Int) {
            afterRelease = fileResidentKB
        }

        /// Whether to release now; notes `sample` for the next check.
        mutating func shouldRelease(_ sample: Sample) -> Bool {
            defer { previous = sample }
            guard let previous, let afterRelease else { return false }
            let wall = previous.wall.duration(to: sample.wall)
            guard wall > .zero else { return false }
            let idle = (sample.cpu - previous.cpu) / wall <= idleShare
            return idle && sample.fileResidentKB - afterRelease >= minimumGrowthKB
        }
    }

    /// File-backed resident memory (the `shared` field of `/proc/self/statm`, in KB).
    static func fileResidentKB() -> Int {
        guard let text = procText("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count >= 3, let pages = Int(fields[2]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    /// CPU time this process used so far (every thread, user and system).
    static func processCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
    }

    /// A mapping of `/proc/self/smaps` that may be released.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
    }

    /// The mappings of an smaps text that are private, file-backed, not writable and
    /// without anonymous pages. (Dirty pages there are the page cache's: a file written
    /// moments ago, such as a freshly fetched binary; the page cache keeps them.)
    static func releasable(smaps text: String) -> [Mapping] {
        var found: [Mapping] = []
        var current: (mapping: Mapping, eligible: Bool)?
        var anonymous = 0
        func close() {
            if let current, current.eligible, anonymous == 0 { found.append(current.mapping) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), !first.hasSuffix(":"), fields.count >= 5 {
                close()
                let bounds = first.split(separator: "-")
                guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16) else { current = nil; continue }
                let permissions = fields[1]
                let path = fields.count >= 6 ? fields[5] : ""
                let eligible = permissions.count == 4 && permissions.hasPrefix("r") && !permissions.contains("w")
                    && permissions.hasSuffix("p") && path.hasPrefix("/") && !path.hasPrefix("/dev/") && !path.hasPrefix("/memfd:")
                current = (Mapping(start: start, end: end), eligible)
                anonymous = 0
            } else if first == "Anonymous:", fields.count >= 2 {
                anonymous = Int(fields[1]) ?? 1
            }
        }
        close()
        return found
    }

    /// Releases every releasable mapping now; returns how many were released.
    @discardableResult
    public static func releaseCleanFilePages() -> Int {
        guard let text = procText("/proc/self/smaps") else { return 0 }
        var released = 0
        for mapping in releasable(smaps: text) {
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 { released += 1 }
        }
        return released
    }

    /// A /proc file's text (read to the end: their size reads as 0).
    static func procText(_ path: String) -> String? {
        FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }
    }
}
