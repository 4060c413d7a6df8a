import Dispatch
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
    /// earlier, pages the start is still about to use are faulted right back), and
    /// again every `period` after that
    /// (a first run of periodic work, such as a lease renewal, touches code and metadata
    /// that later runs do not need again), off the event loops.
    public static func trimAfterStart(delay: Duration = .seconds(5), period: Duration = .seconds(20)) {
        let queue = DispatchQueue.global(qos: .utility)
        let every = DispatchTimeInterval.nanoseconds(nanoseconds(period))
        @Sendable func trim() {
            _ = releaseCleanFilePages()
            queue.asyncAfter(deadline: .now() + every, execute: trim)
        }
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds(delay)), execute: trim)
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
