import Foundation
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
    /// idle worker's ping and lease renewal every 10 s fault ~4.6 MB of code back in
    /// (64 KB of fault-around per fault), which would otherwise stay until the next
    /// release. A busy process keeps its pages. The checks run on a thread of their own
    /// that sleeps in between, so a check touches little code besides two small reads
    /// (on a Dispatch queue, each check woke the pool's machinery and kept ~0.8 MB of
    /// it resident; on an event loop, ~1.5 MB of NIO's loop).
    public static func trimAfterStart(delay: Duration = .seconds(5), period: Duration = .seconds(2)) {
        let (delay, period) = (interval(delay), interval(period))
        let thread = Thread {
            var trim = IdleTrim()
            var pause = delay
            while true {
                sleep(pause)
                pause = period
                let sample = IdleTrim.Sample(cpuNanoseconds: nanoseconds(CLOCK_PROCESS_CPUTIME_ID), wallNanoseconds: nanoseconds(CLOCK_MONOTONIC),
                                             fileResidentKB: fileResidentKB())
                guard trim.shouldRelease(sample) else { continue }
                _ = releaseCleanFilePages()
                trim.released(fileResidentKB: fileResidentKB())
            }
        }
        thread.name = "mitten-trim"
        thread.start()
    }

    private static func interval(_ duration: Duration) -> timespec {
        timespec(tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
    }

    private static func sleep(_ duration: timespec) {
        var remaining = duration
        while true {
            let request = remaining
            guard nanosleep([request], &remaining) != 0, errno == EINTR else { return }
        }
    }

    /// When to release: at the first check (start-up pages), then again after a check
    /// period of idleness once enough has been mapped back; a pure decision over samples
    /// of the process's CPU time and file-backed resident memory. Plain integers, no
    /// `Duration` or clock types: a check right after a release would fault their code
    /// (128-bit arithmetic, generic metadata) back in, ~0.5 MB of it.
    struct IdleTrim {
        struct Sample {
            var cpuNanoseconds: Int64
            var wallNanoseconds: Int64
            var fileResidentKB: Int
        }

        /// At most this share of one CPU, in percent, used since the previous check counts as idle.
        var idlePercent: Int64 = 2
        /// Releases only once this much has been mapped back since the last release: an
        /// idle worker's cycle maps ~4.6 MB back, while Control's own periodic work keeps
        /// ~2-3 MB of code busy that would otherwise be released and mapped back every
        /// few seconds.
        var minimumGrowthKB = 3072
        private var previous: Sample?
        private var afterRelease: Int?

        /// Notes the file-backed resident memory right after a release.
        mutating func released(fileResidentKB: Int) {
            afterRelease = fileResidentKB
        }

        /// Whether to release now; notes `sample` for the next check.
        mutating func shouldRelease(_ sample: Sample) -> Bool {
            defer { previous = sample }
            guard let afterRelease else { return true }
            guard let previous else { return false }
            let wall = sample.wallNanoseconds - previous.wallNanoseconds
            guard wall > 0 else { return false }
            let idle = (sample.cpuNanoseconds - previous.cpuNanoseconds) * 100 <= wall * idlePercent
            return idle && sample.fileResidentKB - afterRelease >= minimumGrowthKB
        }
    }

    /// File-backed resident memory (the `shared` field of `/proc/self/statm`, in KB).
    /// Read with two system calls into a stack buffer, not through Foundation: this runs
    /// right after a release and every 2 s, and whatever code it runs is faulted back in
    /// 64 KB at a time (reading the file through FileHandle and String kept ~2.7 MB of
    /// code resident).
    static func fileResidentKB() -> Int {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count > 0, let pages = sharedPages(statm: UnsafeBufferPointer(rebasing: buffer[..<count])) else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        }
    }

    /// The third field ("shared") of a statm text, `size resident shared text lib data dt`.
    static func sharedPages(statm: UnsafeBufferPointer<UInt8>) -> Int? {
        var field = 0
        var value: Int?
        for byte in statm {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"):
                if field == 2 { return value }
                field += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if field == 2 { value = (value ?? 0) * 10 + Int(byte - UInt8(ascii: "0")) }
            default:
                return nil
            }
        }
        return field == 2 ? value : nil
    }

    /// A clock's reading in nanoseconds: `CLOCK_PROCESS_CPUTIME_ID` is the CPU time this
    /// process used so far (every thread, user and system).
    static func nanoseconds(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
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
