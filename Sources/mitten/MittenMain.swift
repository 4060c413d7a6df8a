import Dispatch
import ArgumentParser
import NIOCore
import NIOPosix

/// The process entry point: installs NIO's event loops as Swift Concurrency's global
/// executor before any async work (one thread hop less per RPC), then runs the command.
@main
enum MittenMain {
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let done = DispatchSemaphore(value: 0)
        Task {
            await MittenCommand.main()
            done.signal()
        }
        done.wait()
    }
}
