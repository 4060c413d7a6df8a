#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ServiceLifecycle

/// Ties a service process to the Control that spawned it. When Control dies (even by
/// `kill -9`) the service is re-parented; it then stops, and the next Control starts it
/// again from its database. Without this an orphan would keep the database locked and
/// keep serving old clients while the new Control failed to start a replacement.
enum ParentWatch {
    /// Returns when this process is re-parented (or at graceful shutdown / cancellation).
    /// A process whose parent is already init (a daemon) is not watched.
    static func waitUntilOrphaned(poll: Duration = .milliseconds(250)) async {
        let parent = getppid()
        guard parent > 1 else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled, getppid() == parent {
                try? await Task.sleep(for: poll)
            }
        }
    }

    /// Runs `work` until it returns, graceful shutdown, or the parent dies.
    static func run(_ work: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await cancelWhenGracefulShutdown { await work() } }
            group.addTask { await waitUntilOrphaned() }
            await group.next()
            group.cancelAll()
        }
    }
}
