import CSQLite

/// A prepared statement: bind by 1-based index, step, read columns by 0-based index.
///
/// Owned by `Database`'s cache, finalized when the cache drops it. Column accessors read the row
/// the last `step()` produced; a blob view is valid only until the next step or reset.
package final class Statement {
    package let handle: OpaquePointer
    package let sql: String
    private unowned let database: Database

    package init(handle: OpaquePointer, sql: String, database: Database) {
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Makes the statement runnable again and drops its bindings.
    package func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func check(_ code: Int32) throws(StoreError) {
        if code != SQLITE_OK { throw database.error(code, sql: sql) }
    }

    package func bind(_ value: Int64, at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds an integer, or NULL for nil.
    package func bind(_ value: Int64?, at index: Int32) throws(StoreError) {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try bind(value, at: index)
    }

    package func bind(_ value: Double, at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_double(handle, index, value))
    }

    /// Binds text (copied by SQLite, with its byte length, so an embedded NUL is kept), or NULL for nil.
    package func bind(_ value: String?, at index: Int32) throws(StoreError) {
        guard var value else { return try check(sqlite3_bind_null(handle, index)) }
        if value.isEmpty { return try check(sqlite3_bind_text(handle, index, "", 0, soak_sqlite_transient())) }
        let code = value.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), soak_sqlite_transient())
            }
        }
        try check(code)
    }

    /// Binds a blob (copied by SQLite; an empty array binds a zero-length blob, not NULL).
    package func bind(_ bytes: [UInt8], at index: Int32) throws(StoreError) {
        if bytes.isEmpty { return try check(sqlite3_bind_zeroblob(handle, index, 0)) }
        let code = bytes.withUnsafeBytes { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), soak_sqlite_transient())
        }
        try check(code)
    }

    /// Binds a blob, or NULL for nil.
    package func bind(_ bytes: [UInt8]?, at index: Int32) throws(StoreError) {
        guard let bytes else { return try check(sqlite3_bind_null(handle, index)) }
        try bind(bytes, at: index)
    }

    /// Advances: true with a row to read, false when done.
    @discardableResult
    package func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw database.error(code, sql: sql)
    }

    /// Steps to completion (INSERT/UPDATE/DELETE) and resets.
    package func run() throws(StoreError) {
        defer { reset() }
        while try step() {}
    }

    package func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    package func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    package func double(at column: Int32) -> Double { sqlite3_column_double(handle, column) }

    /// The text in `column` (by byte length, so embedded NULs survive), nil for NULL.
    package func text(at column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The blob in `column`, valid until the next step/reset.
    package func blob(at column: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
    }
}
