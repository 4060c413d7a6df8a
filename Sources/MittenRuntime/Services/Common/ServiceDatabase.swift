import Foundation
import GRDB

/// Opens the SQLite database of one service in WAL mode with the chosen durability,
/// turning SQLite's errors into ``RuntimeError``s that say what to do. A file that
/// is not a database is reported and left untouched.
enum ServiceDatabase {
    /// Takes the service's exclusive lock (`NAME.lock`), then opens `path`.
    static func open(path: String, durability: Durability, schema: [String]) throws -> (DatabaseQueue, ExclusiveFileLock) {
        let lockPath = (path.hasSuffix(".sqlite") ? String(path.dropLast(7)) : path) + ".lock"
        let lock = try ExclusiveFileLock(path: lockPath)
        return (try openDatabase(path: path, durability: durability, schema: schema), lock)
    }

    private static func openDatabase(path: String, durability: Durability, schema: [String]) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        let synchronous = durability.synchronousPragma
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                // Reading the schema first makes a file that is not a database fail here,
                // before anything could be written to it.
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw RuntimeError(.dataDirectoryUnusable, "\(path) cannot use write-ahead logging (journal mode \(mode ?? "?")); put the data directory on a local file system (--data-dir)")
                }
                try db.inTransaction {
                    for statement in schema { try db.execute(sql: statement) }
                    return .commit
                }
            }
            return queue
        } catch let error as RuntimeError {
            throw error
        } catch let error as DatabaseError {
            throw translate(error, path: path)
        }
    }

    static func translate(_ error: DatabaseError, path: String) -> RuntimeError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return RuntimeError(.databaseCorrupt, "\(path) is not a readable mitten database (\(error.resultCode)); it was left untouched: move it aside to start empty, or restore it from a backup")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return RuntimeError(.dataDirectoryUnusable, "cannot open \(path) for writing (\(error.resultCode)); check the permissions of the data directory or pass another --data-dir")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return RuntimeError(.storageFailed, "writing \(path) failed (\(error.resultCode)); free disk space or check the disk, then restart the service")
        default:
            return RuntimeError(.storageFailed, "database \(path): \(error.message ?? "\(error.resultCode)"); restart the service, and report it if it persists")
        }
    }
}
