import Foundation
import GRDB

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

    /// Applies `writes` in one transaction.
    func apply(_ writes: [QueueWrite]) async throws {
        let path = self.path
        do {
            try await database.write { db in
                // Only the last counters write of a batch matters.
                let lastCounters = writes.lastIndex { if case .counters = $0 { true } else { false } }
                for (index, write) in writes.enumerated() {
                    switch write {
                    case .insert(let id, let lane, let position, let body):
                        try db.cachedStatement(sql: "INSERT INTO items (id, lane, position, body) VALUES (?, ?, ?, ?)")
                            .execute(arguments: [id, lane.rawValue, position, Data(body)])
                    case .lease(let id, let deliveries, let until):
                        try db.cachedStatement(sql: "UPDATE items SET deliveries = ?, leased_until = ? WHERE id = ?")
                            .execute(arguments: [deliveries, until.milliseconds, id])
                    case .ready(let id, let lane, let position):
                        try db.cachedStatement(sql: "UPDATE items SET lane = ?, position = ?, leased_until = NULL WHERE id = ?")
                            .execute(arguments: [lane.rawValue, position, id])
                    case .acked(let id, let delivery, let at):
                        try db.cachedStatement(sql: "UPDATE items SET acked_at = ?, deliveries = ?, body = x'', leased_until = NULL WHERE id = ?")
                            .execute(arguments: [at.milliseconds, delivery, id])
                    case .purgeAcked(let before):
                        try db.cachedStatement(sql: "DELETE FROM items WHERE acked_at IS NOT NULL AND acked_at < ?")
                            .execute(arguments: [before.milliseconds])
                    case .counters(let counters):
                        guard index == lastCounters else { continue }
                        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO counters (key, value) VALUES (?, ?)")
                        try statement.execute(arguments: ["pushed", counters.pushed])
                        try statement.execute(arguments: ["acked", counters.acked])
                        try statement.execute(arguments: ["expired", counters.expired])
                        try statement.execute(arguments: ["dead_lettered", counters.deadLettered])
                    }
                }
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Runs a passive checkpoint, which fsyncs the database (for ``Durability/interval(_:)``).
    func checkpoint() async throws {
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}
