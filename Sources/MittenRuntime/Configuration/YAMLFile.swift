import Foundation
import Yams

/// Reading YAML files with errors that name the file and the line.
enum YAMLFile {
    /// Parses `text` (read from `path`) into a node; nil for an empty document.
    static func compose(_ text: String, path: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw RuntimeError(.configuration, "\(path):\(line(of: error)): \(problem(of: error))")
        }
    }

    /// Reads and parses the file at `path`; nil when it does not exist.
    static func read(path: String) throws -> (node: Node?, text: String)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(.configuration, "\(path): cannot be read; check its permissions")
        }
        return (try compose(text, path: path), text)
    }

    /// An error about `node` in `path`, with its line.
    static func error(_ path: String, _ node: Node?, _ message: String) -> RuntimeError {
        RuntimeError(.configuration, "\(path):\(node?.mark?.line ?? 1): \(message)")
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 1
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            [context?.text, problem].compactMap { $0 }.joined(separator: " ")
        case .duplicatedKeysInMapping(let duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
