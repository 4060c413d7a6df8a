import Foundation
import Synchronization

/// A one-line progress display on standard error, only when it is a terminal and the
/// transfer is bigger than a few MB: `name  12.0 MiB / 50.0 MiB  24%  41.2 MB/s`.
final class StorageProgress: Sendable {
    static let minimumSize: Int64 = 4 << 20

    private struct State {
        var done: Int64 = 0
        var lastDraw = Date.distantPast
    }
    private let label: String
    private let total: Int64?
    private let started = Date()
    private let enabled: Bool
    private let state = Mutex(State())

    init(label: String, total: Int64?, json: Bool) {
        self.label = label
        self.total = total
        enabled = !json && isatty(STDERR_FILENO) == 1 && (total ?? Int64.max) >= Self.minimumSize
    }

    /// The callback to hand to an upload or download.
    var callback: (@Sendable (Int) -> Void)? {
        guard enabled else { return nil }
        return { [self] count in advance(count) }
    }

    private func advance(_ count: Int) {
        let line: String? = state.withLock { state in
            state.done += Int64(count)
            let now = Date()
            guard now.timeIntervalSince(state.lastDraw) >= 0.2 else { return nil }
            state.lastDraw = now
            return render(done: state.done, now: now)
        }
        if let line { FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) }
    }

    private func render(done: Int64, now: Date) -> String {
        let seconds = max(now.timeIntervalSince(started), 0.001)
        let rate = String(format: "%.1f MB/s", Double(done) / seconds / 1_000_000)
        if let total, total > 0 {
            return "\(label)  \(humanBytes(done)) / \(humanBytes(total))  \(done * 100 / total)%  \(rate)"
        }
        return "\(label)  \(humanBytes(done))  \(rate)"
    }

    /// Clears the line (call when the transfer ends, successfully or not).
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
