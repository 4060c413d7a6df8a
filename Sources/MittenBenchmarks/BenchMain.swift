import Dispatch
import ArgumentParser
import NIOCore
import NIOPosix

/// Entry point: NIO as the global executor (as in `mitten`), then the command.
@main
enum BenchMain {
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let done = DispatchSemaphore(value: 0)
        Task {
            await BenchCommand.main()
            done.signal()
        }
        done.wait()
    }
}
