import Foundation

/// The directory where the durable services keep one SQLite database per service
/// name: `DIR/queue/NAME.sqlite`, `DIR/mutex/NAME.sqlite`, `DIR/store/NAME.sqlite`.
public struct DataDirectory: Sendable, Hashable {
    /// The directory.
    public let url: URL

    /// Uses `path`, or `~/.mitten/data` when nil (`MITTEN_DATA_DIR` overrides the default).
    public init(path: String? = nil) {
        if let path {
            url = URL(fileURLWithPath: path, isDirectory: true)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["MITTEN_DATA_DIR"], !fromEnvironment.isEmpty {
            url = URL(fileURLWithPath: fromEnvironment, isDirectory: true)
        } else {
            // $HOME first: the user database lookup behind Foundation's home directory
            // reads /etc/nsswitch.conf and /etc/passwd at every start.
            let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
            url = (home ?? FileManager.default.homeDirectoryForCurrentUser)
                .appendingPathComponent(".mitten", isDirectory: true)
                .appendingPathComponent("data", isDirectory: true)
        }
    }

    /// The database file of service `name` of `kind` (`queue`, `mutex`, `store`),
    /// creating the kind's folder (0700) if needed. Throws
    /// ``RuntimeError/Code-swift.struct/dataDirectoryUnusable`` when that folder cannot be
    /// created or written.
    public func databasePath(kind: String, name: ServiceName) throws -> String {
        let folder = url.appendingPathComponent(kind, isDirectory: true)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RuntimeError(.dataDirectoryUnusable, "\(folder.path) exists but is not a directory; move it aside or pass another --data-dir")
            }
        } else {
            do {
                try manager.createDirectory(at: folder, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            } catch {
                throw RuntimeError(.dataDirectoryUnusable, "cannot create the data directory \(folder.path) (\(describe(error))); check its permissions or pass another --data-dir")
            }
        }
        guard manager.isWritableFile(atPath: folder.path), manager.isReadableFile(atPath: folder.path) else {
            throw RuntimeError(.dataDirectoryUnusable, "the data directory \(folder.path) is not readable and writable by this user; fix its permissions or pass another --data-dir")
        }
        let file = folder.appendingPathComponent("\(name.value).sqlite").path
        if manager.fileExists(atPath: file), !manager.isWritableFile(atPath: file) {
            throw RuntimeError(.dataDirectoryUnusable, "the database \(file) is not writable by this user; fix its permissions or pass another --data-dir")
        }
        return file
    }

    private func describe(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
