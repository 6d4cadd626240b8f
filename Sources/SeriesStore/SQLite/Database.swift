import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// The store's only door to SQLite: every value goes in through `sqlite3_bind_*` (label values are
/// untrusted, never part of SQL text), every failure comes out as a `StoreError` naming the file
/// and the statement. Not thread-safe; the owning `SeriesStore` confines it.
package final class Database {
    package let path: String
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]

    /// Opens (creating when writable and missing) the database at `path`.
    package init(path: String, readOnly: Bool, busyTimeoutMs: Int32) throws(StoreError) {
        self.path = path
        var opened: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw StoreError(kind: StoreError.kind(forSQLiteCode: code), message: message, path: path, sqliteCode: code)
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMs)
    }

    deinit {
        statements.removeAll()  // finalize before closing
        sqlite3_close_v2(handle)
    }

    /// Finalizes every cached statement (before closing, or after a schema change).
    package func clearStatementCache() {
        statements.removeAll()
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    package var changes: Int { Int(sqlite3_changes(handle)) }

    /// True when SQLite opened the main database read-only (a write-protected file).
    package var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// The error SQLite reports for `code`, with `sql` as context.
    package func error(_ code: Int32, sql: String?) -> StoreError {
        StoreError(kind: StoreError.kind(forSQLiteCode: code), message: String(cString: sqlite3_errmsg(handle)),
                   path: path, sqliteCode: code, sql: sql)
    }

    /// Runs SQL text without parameters (may hold several statements): schema, pragmas.
    package func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        if code != SQLITE_OK { throw error(code, sql: sql) }
    }

    /// The cached prepared statement for `sql`, reset and with cleared bindings.
    package func statement(_ sql: String) throws(StoreError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else { throw error(code, sql: sql) }
        let statement = Statement(handle: prepared, sql: sql, database: self)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed when `body` returns, rolled back
    /// when it or the commit throws (so a failed flush leaves the file as it was).
    package func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// Runs the INSERT `sql` with the values `bind` sets and returns the new row's id.
    package func insert(_ sql: String, _ bind: (Statement) throws(StoreError) -> Void) throws(StoreError) -> Int64 {
        let statement = try statement(sql)
        try bind(statement)
        try statement.run()
        // The connection is only ever used from one thread, so no other insert can intervene.
        return sqlite3_last_insert_rowid(handle)
    }

    /// Reads a single integer (`PRAGMA user_version`, counts).
    package func scalarInt(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    /// Reads a single text value (`PRAGMA integrity_check`, `journal_mode`).
    package func scalarText(_ sql: String) throws(StoreError) -> String? {
        let statement = try statement(sql)
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.text(at: 0)
    }
}
