import Foundation
@_exported import MittenProcess

/// What a program printed and how it ended.
public typealias ProgramResult = Program.Result

/// Runs a program to completion off the cooperative pool (see ``Program``).
public func runProgram(
    _ executable: String, _ arguments: [String],
    environment: [String: String]? = nil, input: Data? = nil, directory: String? = nil
) async throws -> ProgramResult {
    try await Program.run(executable, arguments, environment: environment, input: input, directory: directory)
}
