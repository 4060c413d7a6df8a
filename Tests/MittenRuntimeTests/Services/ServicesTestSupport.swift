import Foundation
import Logging
import Synchronization
@testable import MittenRuntime

/// A clock the test moves by hand; sleepers wake when it passes their deadline.
final class ManualServiceClock: ServiceClock {
    private struct State {
        var now: Timestamp
        var sleepers: [(deadline: Timestamp, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    init(start: Timestamp = Timestamp(milliseconds: 1_700_000_000_000)) {
        state = Mutex(State(now: start))
    }

    var now: Timestamp { state.withLock { $0.now } }

    func sleep(until deadline: Timestamp) async throws {
        await withCheckedContinuation { continuation in
            let fireNow = state.withLock { state -> Bool in
                if deadline <= state.now { return true }
                state.sleepers.append((deadline, continuation))
                return false
            }
            if fireNow { continuation.resume() }
        }
        try Task.checkCancellation()
    }

    func advance(by duration: Duration) {
        let due = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for continuation in due { continuation.resume() }
    }
}

/// A fresh data directory under the system temporary directory, removed by `cleanUp`.
struct TemporaryDataDirectory {
    let path: String
    var directory: DataDirectory { DataDirectory(path: path) }

    init() throws {
        path = NSTemporaryDirectory() + "mitten-services-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

