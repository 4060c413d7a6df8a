import CSwiftConcurrencyHook
import NIOCore
import NIOPosix

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

    /// Makes NIO's event loops the global executor. Call it before any async code runs
    /// (from a synchronous `main`), once. False when a hook is already set (the C side
    /// swaps atomically from none); it is never replaced.
    @discardableResult
    public static func installNIO() -> Bool {
        let hook: EnqueueHook = { job, _ in
            // Sticky: a job enqueued from one of the group's loops stays on that loop.
            MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
        }
        return withUnsafePointer(to: hook) { pointer in
            // A thin function is one code pointer, which is what the runtime calls.
            pointer.withMemoryRebound(to: UnsafeMutableRawPointer.self, capacity: 1) { function in
                mitten_install_swift_task_enqueueGlobal_hook(function.pointee)
            }
        }
    }

    /// True when the calling code runs on one of NIO's singleton event loops.
    public static var onEventLoop: Bool {
        MultiThreadedEventLoopGroup.currentEventLoop != nil
    }
}
