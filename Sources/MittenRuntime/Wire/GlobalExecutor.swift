import CSwiftConcurrencyHook
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Swift Concurrency's global executor as mitten's processes run it: NIO's singleton
/// event loops, so that an RPC's continuation resumes on the thread that read its reply
/// instead of hopping to another pool (`mitten-bench ping` measures the difference).
///
/// NIO's own installer (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`)
/// finds the runtime's hook with `dlsym`, which fails when the runtime is linked into
/// the binary (`--static-swift-stdlib`, the binary VMs run): the hook is hidden there,
/// and every job then went to Dispatch's threads. This links the hook by name instead
/// (CSwiftConcurrencyHook) and sets it the way NIO does.
public enum GlobalExecutor {
    /// The function the runtime calls with each job bound for the global executor; the
    /// second argument is the default enqueue, not used.
    typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// The hook for jobs to run after a delay in nanoseconds.
    typealias DelayHook = @convention(thin) (UInt64, UnownedJob, @convention(thin) (UInt64, UnownedJob) -> Void) -> Void
    /// The hook for jobs to run at a deadline (seconds, nanoseconds) of a clock, with a
    /// tolerance (seconds, nanoseconds) and the clock's id; `Task.sleep` comes here.
    typealias DeadlineHook = @convention(thin) (
        Int64, Int64, Int64, Int64, Int32, UnownedJob,
        @convention(thin) (Int64, Int64, Int64, Int64, Int32, UnownedJob) -> Void
    ) -> Void

    /// Makes NIO's event loops the global executor, timers included: a job to run later
    /// (`Task.sleep`) waits as a scheduled task of an event loop, not on Dispatch's
    /// timers, and runs on that loop, not on a Dispatch thread. Call it before any async
    /// code runs (from a synchronous `main`), once. False when a hook is already set
    /// (the C side swaps atomically from none); it is never replaced.
    @discardableResult
    public static func installNIO() -> Bool {
        let hook: EnqueueHook = { job, _ in
            // Sticky: a job enqueued from one of the group's loops stays on that loop.
            MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
        }
        let delayHook: DelayHook = { nanoseconds, job, _ in
            GlobalExecutor.enqueue(job, in: Int64(clamping: nanoseconds))
        }
        let deadlineHook: DeadlineHook = { seconds, nanoseconds, toleranceSeconds, toleranceNanoseconds, clock, job, original in
            guard let remaining = GlobalExecutor.nanosecondsUntil(seconds: seconds, nanoseconds: nanoseconds, clock: clock) else {
                // A clock this code does not know: the runtime's own timers.
                original(seconds, nanoseconds, toleranceSeconds, toleranceNanoseconds, clock, job)
                return
            }
            GlobalExecutor.enqueue(job, in: remaining)
        }
        // A thin function is one code pointer, which is what the runtime calls. (Read at
        // each hook's concrete type: passed through a generic helper, the function would
        // be reabstracted and the pointer would be a thunk's.)
        let enqueue = withUnsafePointer(to: hook) { UnsafeRawPointer($0).load(as: UnsafeMutableRawPointer.self) }
        let delay = withUnsafePointer(to: delayHook) { UnsafeRawPointer($0).load(as: UnsafeMutableRawPointer.self) }
        let deadline = withUnsafePointer(to: deadlineHook) { UnsafeRawPointer($0).load(as: UnsafeMutableRawPointer.self) }
        guard mitten_install_swift_task_enqueueGlobal_hook(enqueue) else { return false }
        _ = mitten_install_swift_task_enqueueGlobalWithDelay_hook(delay)
        _ = mitten_install_swift_task_enqueueGlobalWithDeadline_hook(deadline)
        return true
    }

    /// Runs `job` on an event loop once `nanoseconds` have passed.
    static func enqueue(_ job: UnownedJob, in nanoseconds: Int64) {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        guard nanoseconds > 0 else {
            loop.enqueue(ExecutorJob(job))
            return
        }
        loop.scheduleTask(in: .nanoseconds(nanoseconds)) {
            loop.enqueue(ExecutorJob(job))
        }
    }

    /// Nanoseconds from now until a deadline of the runtime's clock `clock` (1: continuous,
    /// `CLOCK_BOOTTIME` on Linux; 2: suspending, `CLOCK_MONOTONIC`), or nil for another clock.
    static func nanosecondsUntil(seconds: Int64, nanoseconds: Int64, clock: Int32) -> Int64? {
        let id: clockid_t
        switch clock {
        case 1: id = CLOCK_BOOTTIME
        case 2: id = CLOCK_MONOTONIC
        default: return nil
        }
        var now = timespec()
        clock_gettime(id, &now)
        // Saturating: a deadline too far to count in nanoseconds waits "forever".
        let (whole, overflow) = (seconds - Int64(now.tv_sec)).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds > Int64(now.tv_sec) ? .max : .min }
        let (total, tooFar) = whole.addingReportingOverflow(nanoseconds - Int64(now.tv_nsec))
        return tooFar ? .max : total
    }

    /// True when the calling code runs on one of NIO's singleton event loops.
    public static var onEventLoop: Bool {
        MultiThreadedEventLoopGroup.currentEventLoop != nil
    }
}
