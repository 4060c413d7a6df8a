import Dispatch
import ArgumentParser
import NIOCore
import NIOPosix
import MittenRuntime
#if canImport(Glibc)
import Glibc
#endif

// Swift Concurrency's global executor becomes NIO's event loops, so that an RPC's
// continuation resumes on the thread that read its reply instead of hopping to another
// pool (mitten-bench ping measures the difference). It must be installed before any
// async code runs, hence this synchronous entry point; MITTEN_DEFAULT_EXECUTOR=1 keeps
// Swift's own executor (for comparison).
if environmentValue("MITTEN_DEFAULT_EXECUTOR") != "1" {
    GlobalExecutor.installNIO()
}
Task {
    await MittenCommand.main()
    exit(0)
}
dispatchMain()

/// An environment variable, read without Foundation (nothing here may start Swift
/// Concurrency before the executor is installed).
func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}
