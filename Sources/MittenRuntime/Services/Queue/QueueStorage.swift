import Foundation
import GRDB
import GRDBSQLite

/// The SQLite database of one queue: its items (with lane, position, delivery count
/// and lease expiry) and its lifetime counters.
final class QueueStorage: Sendable {
    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS items (
            id INTEGER PRIMARY KEY, lane INTEGER NOT NULL, position INTEGER NOT NULL,
            body BLOB NOT NULL, deliveries INTEGER NOT NULL DEFAULT 0, leased_until INTEGER, acked_at INTEGER)
        """,
        "CREATE INDEX IF NOT EXISTS items_acked ON items (acked_at) WHERE acked_at IS NOT NULL",
        "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    ]

    /// The database file.
    let path: String
    private let database: DatabaseQueue
    private let lock: ExclusiveFileLock

    /// Opens (creating if needed) the queue database at `path`.
    init(path: String, durability: Durability) throws {
        self.path = path
        (database, lock) = try ServiceDatabase.open(path: path, durability: durability, schema: Self.schema)
    }

    /// Everything stored, to rebuild the queue's state after a start.
    func load() throws -> (records: [QueueItemRecord], counters: QueueCounters) {
        do {
            return try database.read { db in
                var records: [QueueItemRecord] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT id, lane, position, body, deliveries, leased_until, acked_at FROM items")
                while let row = try rows.next() {
                    let body: Data = row[3]
                    let until: Int64? = row[5]
                    let acked: Int64? = row[6]
                    records.append(QueueItemRecord(
                        id: row[0], lane: QueueLane(rawValue: row[1]) ?? .main, position: row[2],
                        body: [UInt8](body), deliveries: row[4], leasedUntil: until.map(Timestamp.init(milliseconds:)),
                        ackedAt: acked.map(Timestamp.init(milliseconds:))))
                }
                var counters = QueueCounters()
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM counters") {
                    let value: Int64 = row[1]
                    switch row[0] as String {
                    case "pushed": counters.pushed = value
                    case "acked": counters.acked = value
                    case "expired": counters.expired = value
                    case "dead_lettered": counters.deadLettered = value
                    default: break
                    }
                }
                return (records, counters)
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Applies `writes` in one transaction. Runs of inserts, leases and acks go as
    /// multi-row statements (``rowsPerStatement`` rows each), which costs SQLite a
    /// fraction of one statement per row; only the last counters write matters.
    func apply(_ writes: [QueueWrite]) async throws {
        let path = self.path
        do {
            try await database.write { db in
                var counters: QueueCounters?
                var run = RowRun()
                for write in writes {
                    switch write {
                    case .insert(let id, let lane, let position, let body):
                        try run.add(.insert, id: id, [.integer(id), .integer(Int64(lane.rawValue)), .integer(position), .blob(body)], db)
                    case .lease(let id, let deliveries, let until):
                        try run.add(.lease, id: id, [.integer(id), .integer(Int64(deliveries)), .integer(until.milliseconds)], db)
                    case .acked(let id, let delivery, let at):
                        try run.add(.acked, id: id, [.integer(id), .integer(Int64(delivery)), .integer(at.milliseconds)], db)
                    case .ready(let id, let lane, let position):
                        try run.flush(db)
                        try db.cachedStatement(sql: "UPDATE items SET lane = ?, position = ?, leased_until = NULL WHERE id = ?")
                            .execute(arguments: [lane.rawValue, position, id])
                    case .purgeAcked(let before):
                        try run.flush(db)
                        try db.cachedStatement(sql: "DELETE FROM items WHERE acked_at IS NOT NULL AND acked_at < ?")
                            .execute(arguments: [before.milliseconds])
                    case .counters(let latest):
                        counters = latest
                    }
                }
                try run.flush(db)
                if let counters {
                    let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO counters (key, value) VALUES (?, ?)")
                    try statement.execute(arguments: ["pushed", counters.pushed])
                    try statement.execute(arguments: ["acked", counters.acked])
                    try statement.execute(arguments: ["expired", counters.expired])
                    try statement.execute(arguments: ["dead_lettered", counters.deadLettered])
                }
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Rows per multi-row statement (at most 4 x 64 parameters, far below SQLite's limit).
    static let rowsPerStatement = 64

    /// Consecutive rows of one kind waiting to be written as one statement. A row for an
    /// id already in the run ends the run first (an UPDATE ... FROM with two rows for one
    /// target row would apply either), so every write keeps its order.
    private struct RowRun {
        enum Kind { case insert, lease, acked }
        var kind: Kind?
        var ids: Set<Int64> = []
        var values: [RowValue] = []

        mutating func add(_ kind: Kind, id: Int64, _ row: [RowValue], _ db: Database) throws {
            if self.kind != kind || ids.contains(id) || ids.count == QueueStorage.rowsPerStatement { try flush(db) }
            self.kind = kind
            ids.insert(id)
            values += row
        }

        /// The statement text for 1 ... ``rowsPerStatement`` rows of each kind.
        static let sql: [Kind: [String]] = {
            func rows(_ count: Int, columns: Int) -> String {
                let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
                return Array(repeating: tuple, count: count).joined(separator: ",")
            }
            let counts = 1...QueueStorage.rowsPerStatement
            return [
                .insert: counts.map { "INSERT INTO items (id, lane, position, body) VALUES \(rows($0, columns: 4))" },
                .lease: counts.map {
                    "UPDATE items SET deliveries = v.column2, leased_until = v.column3 FROM (VALUES \(rows($0, columns: 3))) AS v WHERE items.id = v.column1"
                },
                .acked: counts.map {
                    "UPDATE items SET acked_at = v.column3, deliveries = v.column2, body = x'', leased_until = NULL FROM (VALUES \(rows($0, columns: 3))) AS v WHERE items.id = v.column1"
                },
            ]
        }()

        mutating func flush(_ db: Database) throws {
            guard let kind, !ids.isEmpty else { return }
            // One prepared statement per kind and row count, kept by GRDB's cache, with the
            // values bound and stepped through SQLite's own calls: GRDB's arguments cost a
            // generic conversion per value, several times SQLite's own work per row.
            let sql = Self.sql[kind]![ids.count - 1]
            try RowValue.execute(try db.cachedStatement(sql: sql), values, db)
            self.kind = nil
            ids.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
    }

    /// Runs a passive checkpoint, which fsyncs the database (for ``Durability/interval(_:)``).
    func checkpoint() async throws {
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}

/// A value of a multi-row statement: what the queue stores is integers and blobs.
enum RowValue {
    case integer(Int64)
    case blob([UInt8])

    /// Binds `values` to `statement` in order and runs it to its end.
    static func execute(_ statement: Statement, _ values: [RowValue], _ db: Database) throws {
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        var code = SQLITE_OK
        for (offset, value) in values.enumerated() where code == SQLITE_OK {
            let index = CInt(offset + 1)
            switch value {
            case .integer(let number):
                code = sqlite3_bind_int64(raw, index, number)
            case .blob(let bytes):
                // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(raw, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), CInt(buffer.count),
                                      unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                }
            }
        }
        if code == SQLITE_OK {
            code = sqlite3_step(raw)
            if code == SQLITE_DONE { code = SQLITE_OK }
        }
        let message = code == SQLITE_OK ? nil : String(cString: sqlite3_errmsg(db.sqliteConnection))
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        if let message {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }
}
