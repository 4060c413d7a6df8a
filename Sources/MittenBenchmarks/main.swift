import ArgumentParser
import Dispatch
import NIOCore
import NIOPosix
import MittenRuntime
#if canImport(Glibc)
import Glibc
#endif

// Like the mitten executable: Swift Concurrency runs on NIO's event loops unless
// MITTEN_DEFAULT_EXECUTOR=1 (then the client side of W1 measures Swift's own executor).
if getenv("MITTEN_DEFAULT_EXECUTOR").map({ String(cString: $0) }) != "1" {
    GlobalExecutor.installNIO()
}
Task {
    await BenchCommand.main()
    exit(0)
}
dispatchMain()
