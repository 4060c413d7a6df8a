import GRDB

/// The SQLite database of one mutex: the largest token handed out and the holder.
final class MutexStorage: Sendable {
    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS lock (
            id INTEGER PRIMARY KEY CHECK (id = 1), last_token INTEGER NOT NULL,
            holder_token INTEGER, holder_owner TEXT, holder_session TEXT, holder_expires INTEGER)
        """,
    ]

    let path: String
    private let database: DatabaseQueue
    private let lock: ExclusiveFileLock

    init(path: String, durability: Durability) throws {
        self.path = path
        (database, lock) = try ServiceDatabase.open(path: path, durability: durability, schema: Self.schema)
    }

    /// The stored state (free and never locked for a new database).
    func load() throws -> LockState {
        do {
            return try database.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT last_token, holder_token, holder_owner, holder_session, holder_expires FROM lock WHERE id = 1") else {
                    return LockState()
                }
                var holder: LockHolder?
                if let token: Int64 = row[1], let owner: String = row[2], let expires: Int64 = row[4] {
                    holder = LockHolder(token: token, owner: owner, session: row[3], expiresAt: Timestamp(milliseconds: expires))
                }
                return LockState(lastToken: row[0], holder: holder)
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }

    /// Stores `state`.
    func save(_ state: LockState) throws {
        let path = self.path
        do {
            try database.write { db in
                try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO lock (id, last_token, holder_token, holder_owner, holder_session, holder_expires)
                    VALUES (1, ?, ?, ?, ?, ?)
                    """).execute(arguments: [state.lastToken, state.holder?.token, state.holder?.owner,
                                             state.holder?.session, state.holder?.expiresAt.milliseconds])
            }
        } catch let error as DatabaseError {
            throw ServiceDatabase.translate(error, path: path)
        }
    }
}
