import CSQLite

/// Placeholder: the SQLite-backed series store arrives with issue 3.
public enum SeriesStoreInfo {
    /// The SQLite library version the store is linked against.
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }
}
