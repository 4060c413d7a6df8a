import Foundation
@_exported import MittenProcess

/// Runs blocking work on a thread of its own, never on Swift Concurrency's cooperative
/// pool: that pool has one thread per core (two on CI), so a test that blocks it stalls
/// every other test of the run.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// What a program printed and how it ended.
public typealias ProgramResult = Program.Result

/// Runs a program to completion off the cooperative pool (see ``Program``).
public func runProgram(
    _ executable: String, _ arguments: [String],
    environment: [String: String]? = nil, input: Data? = nil, directory: String? = nil
) async throws -> ProgramResult {
    try await Program.run(executable, arguments, environment: environment, input: input, directory: directory)
}
