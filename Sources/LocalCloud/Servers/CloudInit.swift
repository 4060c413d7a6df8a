import Foundation
import Yams

/// The subset of cloud-init the local cloud carries out for a server's user-data:
/// `#cloud-config` with `write_files`, `ssh_keys`, `ssh_authorized_keys` and `runcmd`,
/// or a `#!` script (run like a one-line runcmd). gzip-compressed user-data is accepted.
struct CloudConfig: Equatable, Sendable {
    /// A file to write, its path relative to the server's root directory.
    struct File: Equatable, Sendable {
        var path: String
        var content: Data
        var permissions: Int
        var append: Bool
    }
    var files: [File] = []
    /// `ssh_keys` entries, e.g. `ed25519_private` -> PEM text.
    var hostKeys: [String: String] = [:]
    var authorizedKeys: [String] = []
    /// Shell lines, in order.
    var commands: [String] = []

    /// Parses user-data as received (already base64-decoded).
    static func parse(_ userData: Data) throws -> CloudConfig {
        var data = userData
        if data.starts(with: [0x1f, 0x8b]) { data = try ProcessControl.gunzip(data) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LocalCloudError(.userData, "user-data is neither UTF-8 text nor gzip")
        }
        if text.hasPrefix("#!") {
            return CloudConfig(commands: [text])
        }
        guard text.hasPrefix("#cloud-config") else { return CloudConfig() }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            throw LocalCloudError(.userData, "the #cloud-config user-data is not valid YAML: \(error)")
        }
        guard let document = loaded as? [String: Any] else { return CloudConfig() }
        var config = CloudConfig()
        for (index, entry) in (document["write_files"] as? [Any] ?? []).enumerated() {
            guard let file = entry as? [String: Any] else {
                throw LocalCloudError(.userData, "write_files[\(index)] is not a mapping")
            }
            config.files.append(try parseFile(file, index: index))
        }
        for (key, value) in document["ssh_keys"] as? [String: Any] ?? [:] {
            if let text = value as? String { config.hostKeys[key] = text }
        }
        config.authorizedKeys = (document["ssh_authorized_keys"] as? [Any] ?? []).compactMap { $0 as? String }
        for (index, entry) in (document["runcmd"] as? [Any] ?? []).enumerated() {
            if let line = entry as? String {
                config.commands.append(line)
            } else if let words = entry as? [Any] {
                config.commands.append(words.map { shellQuote("\($0)") }.joined(separator: " "))
            } else {
                throw LocalCloudError(.userData, "runcmd[\(index)] is neither a string nor a list")
            }
        }
        return config
    }

    private static func parseFile(_ file: [String: Any], index: Int) throws -> File {
        guard let path = file["path"] as? String, !path.isEmpty else {
            throw LocalCloudError(.userData, "write_files[\(index)] has no path")
        }
        let raw = file["content"].map { "\($0)" } ?? ""
        let encoding = (file["encoding"] as? String ?? "text/plain").lowercased()
        var content: Data
        switch encoding {
        case "b64", "base64":
            guard let decoded = Data(base64Encoded: raw, options: .ignoreUnknownCharacters) else {
                throw LocalCloudError(.userData, "write_files[\(index)] (\(path)): content is not base64")
            }
            content = decoded
        case "gz+b64", "gzip+base64", "gz+base64", "gzip+b64":
            guard let decoded = Data(base64Encoded: raw, options: .ignoreUnknownCharacters) else {
                throw LocalCloudError(.userData, "write_files[\(index)] (\(path)): content is not base64")
            }
            content = try ProcessControl.gunzip(decoded)
        case "gz", "gzip":
            content = try ProcessControl.gunzip(Data(raw.utf8))
        case "text/plain":
            content = Data(raw.utf8)
        default:
            throw LocalCloudError(.userData, "write_files[\(index)] (\(path)): unknown encoding \(encoding)")
        }
        var permissions = 0o644
        if let text = file["permissions"] as? String {
            guard let value = Int(text.hasPrefix("0o") ? String(text.dropFirst(2)) : text, radix: 8) else {
                throw LocalCloudError(.userData, "write_files[\(index)] (\(path)): permissions \(text) are not octal")
            }
            permissions = value
        } else if let number = file["permissions"] as? Int {
            // YAML read 0644 as an integer: its decimal digits are the octal mode.
            permissions = Int(String(number), radix: 8) ?? number
        }
        let append = file["append"] as? Bool ?? false
        return File(path: path, content: content, permissions: permissions & 0o7777, append: append)
    }
}

/// Quotes a word for /bin/sh.
func shellQuote(_ word: String) -> String {
    if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Maps a path from user-data onto the server's root directory. Refuses paths that would
/// leave it (`..` components), so a server can never write outside its own directory.
func reroot(_ path: String, under root: URL) throws -> URL {
    var components: [String] = []
    for component in path.split(separator: "/") {
        switch component {
        case ".": continue
        case "..": throw LocalCloudError(.userData, "the path \(path) leaves the server's directory ('..' is refused)")
        default: components.append(String(component))
        }
    }
    guard !components.isEmpty else { throw LocalCloudError(.userData, "the path \(path) names no file") }
    return components.reduce(root) { $0.appendingPathComponent($1) }
}
