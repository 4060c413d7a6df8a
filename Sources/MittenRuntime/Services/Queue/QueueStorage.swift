import Foundation
import GRDB
import GRDBSQLite

/// The SQLite database of one queue: a snapshot of its items (with lane, position,
/// delivery count and lease expiry, and ack tombstones) and lifetime counters, and the
/// journal of every commit since that snapshot (``QueueJournal``).
final class QueueStorage: Sendable {
    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS items (
            id INTEGER PRIMARY KEY, lane INTEGER NOT NULL, position INTEGER NOT NULL,
            body BLOB NOT NULL, deliveries INTEGER NOT NULL DEFAULT 0, leased_until INTEGER, acked_at INTEGER)
        """,
        // Served the row-by-row purge of ack tombstones, which the journal replaced; dropped
        // so that snapshots do not maintain it.
        "DROP INDEX IF EXISTS items_acked",
        "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        // The writes of each commit since the last snapshot (``QueueJournal``).
        "CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, writes BLOB NOT NULL)",
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

    /// Everything stored, to rebuild the queue's state after a start: the snapshot in
    /// `items` with the journal replayed on top, and the journal's size in bytes.
    func load() throws -> (records: [QueueItemRecord], counters: QueueCounters, journalBytes: Int) {
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
                var byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
                var journalBytes = 0
                let blobs = try Row.fetchCursor(db, sql: "SELECT seq, writes FROM journal ORDER BY seq")
                while let row = try blobs.next() {
                    let blob: Data = row[1]
                    let seq: Int64 = row[0]
                    guard let writes = QueueJournal.decode([UInt8](blob)) else {
                        throw RuntimeError(.databaseCorrupt, "\(path): journal entry \(seq) is not one this mitten can read (corrupt, or written by a newer mitten); it was left untouched: move the file aside to start empty, or restore it from a backup")
                    }
                    journalBytes += blob.count
                    QueueJournal.replay(writes, onto: &byID, counters: &counters)
                }
                // Ids start at 1 (the queue keeps items in tables indexed by id).
                if let bad = byID.keys.first(where: { $0 < 1 }) {
                    throw RuntimeError(.databaseCorrupt, "\(path): item id \(bad) is not one mitten writes (ids start at 1); the file was left untouched: move it aside to start empty, or restore it from a backup")
                }
                return (Array(byID.values), counters, journalBytes)
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Makes `writes` durable in one transaction: the writes after the last snapshot among
    /// them as one journal entry; a snapshot replaces `items` and empties the journal first.
    func apply(_ writes: [QueueWrite]) throws {
        let path = self.path
        do {
            try database.write { db in
                var journalled = writes[...]
                if let last = writes.lastIndex(where: { if case .snapshot = $0 { true } else { false } }),
                   case .snapshot(let records, let counters) = writes[last] {
                    try db.execute(sql: "DELETE FROM items")
                    try db.execute(sql: "DELETE FROM journal")
                    try Self.insert(records, db)
                    try Self.store(counters, db)
                    journalled = writes[(last + 1)...]
                }
                guard !journalled.isEmpty else { return }
                try RowValue.execute(try db.cachedStatement(sql: "INSERT INTO journal (writes) VALUES (?)"),
                                     [.blob(QueueJournal.encode(journalled))], db)
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Appends `bytes` to the journal as they are (tests write damaged entries with it).
    func appendJournalEntry(_ bytes: [UInt8]) async throws {
        try await database.write { db in
            try RowValue.execute(try db.cachedStatement(sql: "INSERT INTO journal (writes) VALUES (?)"), [.blob(bytes)], db)
        }
    }

    private static func store(_ counters: QueueCounters, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO counters (key, value) VALUES (?, ?)")
        try statement.execute(arguments: ["pushed", counters.pushed])
        try statement.execute(arguments: ["acked", counters.acked])
        try statement.execute(arguments: ["expired", counters.expired])
        try statement.execute(arguments: ["dead_lettered", counters.deadLettered])
    }

    /// Rows per statement of a snapshot (7 x 64 parameters, far below SQLite's limit).
    static let rowsPerStatement = 64

    /// The statement text for 1 ... ``rowsPerStatement`` rows.
    private static let insertSQL: [String] = (1...rowsPerStatement).map { count in
        "INSERT INTO items (id, lane, position, body, deliveries, leased_until, acked_at) VALUES "
            + Array(repeating: "(?,?,?,?,?,?,?)", count: count).joined(separator: ",")
    }

    /// Inserts `records` into `items`, ``rowsPerStatement`` rows per statement (one
    /// prepared statement per row count, kept by GRDB's cache).
    private static func insert(_ records: [QueueItemRecord], _ db: Database) throws {
        var start = 0
        while start < records.count {
            let chunk = records[start..<min(start + rowsPerStatement, records.count)]
            let values = chunk.flatMap { record -> [RowValue] in
                [.integer(record.id), .integer(Int64(record.lane.rawValue)), .integer(record.position), .blob(record.body),
                 .integer(Int64(record.deliveries)), record.leasedUntil.map { .integer($0.milliseconds) } ?? .null,
                 record.ackedAt.map { .integer($0.milliseconds) } ?? .null]
            }
            try RowValue.execute(try db.cachedStatement(sql: insertSQL[chunk.count - 1]), values, db)
            start += chunk.count
        }
    }

    /// Runs a passive checkpoint, which fsyncs the database (for ``Durability/interval(_:)``).
    func checkpoint() async throws {
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}

/// A value bound through SQLite's C API: GRDB's `StatementArguments` cost a generic
/// conversion per value, several times SQLite's own work per row.
enum RowValue {
    case integer(Int64)
    case blob([UInt8])
    case null

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
            case .null:
                code = sqlite3_bind_null(raw, index)
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
