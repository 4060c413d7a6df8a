import Foundation
import GRDB

/// One entry of a store: a key larger than every earlier key, and a value.
public struct StoreEntry: Hashable, Sendable, Codable {
    /// The key: microseconds since the epoch at the append, raised when needed so
    /// that every key is larger than the one before it.
    public var key: Int64
    /// The value's bytes.
    public var value: [UInt8]

    /// Creates an entry.
    public init(key: Int64, value: [UInt8]) {
        self.key = key
        self.value = value
    }
}

/// The SQLite database of one store: its entries in key order.
final class StoreStorage: Sendable {
    static let schema = ["CREATE TABLE IF NOT EXISTS entries (key INTEGER PRIMARY KEY, value BLOB NOT NULL)"]

    let path: String
    private let database: DatabaseQueue
    private let lock: ExclusiveFileLock

    init(path: String, durability: Durability) throws {
        self.path = path
        (database, lock) = try ServiceDatabase.open(path: path, durability: durability, schema: Self.schema)
    }

    /// The largest key and the number of entries.
    func summary() throws -> (lastKey: Int64, count: Int) {
        try translating {
            try database.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT coalesce(max(key), 0), count(*) FROM entries")
                return (row?[0] ?? 0, row?[1] ?? 0)
            }
        }
    }

    /// Up to `limit` entries with keys larger than `after`, in key order.
    func read(after: Int64, limit: Int) async throws -> [StoreEntry] {
        let path = self.path
        do {
            return try await database.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT key, value FROM entries WHERE key > ? ORDER BY key LIMIT ?",
                                               arguments: [after, limit])
                var entries: [StoreEntry] = []
                var replyBytes = 0
                while let row = try rows.next() {
                    let value: Data = row[1]
                    // Stop before the answer would outgrow a frame (one entry always fits).
                    replyBytes += ServiceLimits.replyBytes(value.count)
                    if replyBytes > ServiceLimits.maximumReplyBytes, !entries.isEmpty { break }
                    entries.append(StoreEntry(key: row[0], value: [UInt8](value)))
                }
                return entries
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Appends `entries` in one transaction.
    func append(_ entries: [StoreEntry]) throws {
        let path = self.path
        do {
            try database.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO entries (key, value) VALUES (?, ?)")
                for entry in entries {
                    try statement.execute(arguments: [entry.key, Data(entry.value)])
                }
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    private func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }
}
