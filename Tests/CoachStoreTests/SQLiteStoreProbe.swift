import GRDB

/// Raw SQL on the database file, to show that constraints hold below the store's own code.
struct SQLiteStoreProbe {
    let path: String

    func execute(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: sql) }
    }
}
