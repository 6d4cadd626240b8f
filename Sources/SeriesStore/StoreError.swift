import CSQLite

/// Why a store operation failed: what kind of failure, SQLite's words, the file, the SQL, and
/// what an operator should do about it. `description` reads as one log line.
///
/// No store operation traps on a runtime fault: a failed flush leaves every unflushed sample in
/// memory and the next flush retries it, so fixing the cause (freeing disk space, stopping the
/// other process) loses nothing.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The classes of failure an operator reacts to differently.
    public enum Kind: String, Sendable, Hashable {
        /// The disk (or a page-count limit) is full: `SQLITE_FULL`.
        case diskFull
        /// The file or its directory is not writable: `SQLITE_READONLY`.
        case readOnly
        /// Another connection holds a conflicting lock longer than the busy timeout.
        case locked
        /// The file is not a SQLite database, or a page or chunk is damaged.
        case corrupt
        /// The file cannot be opened or created (missing directory, permissions).
        case cannotOpen
        /// An operating-system I/O error.
        case io
        /// The database was written by a newer SoakMonitor schema.
        case schemaTooNew
        /// A series selector that does not parse.
        case invalidSelector
        /// A caller-side mistake: unknown series id, bad configuration.
        case invalidArgument
        /// Any other SQLite failure.
        case sqlite
    }

    public var kind: Kind
    public var message: String
    /// The database file the failure concerns.
    public var path: String
    /// SQLite's extended result code, when SQLite reported the failure.
    public var sqliteCode: Int32?
    /// The statement that failed, when one did.
    public var sql: String?

    public init(kind: Kind, message: String, path: String = "", sqliteCode: Int32? = nil, sql: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
        self.sqliteCode = sqliteCode
        self.sql = sql
    }

    /// What an operator should do, by kind.
    public var remedy: String {
        switch kind {
        case .diskFull: "free space on the volume holding the database (unflushed samples stay in memory and are retried at the next flush)"
        case .readOnly: "make the database file, its -wal/-shm files and its directory writable by this user"
        case .locked: "stop the other process using this database (another soak daemon or a sqlite3 shell in a transaction), or raise the busy timeout"
        case .corrupt: "stop soak, keep a copy of the file, try `sqlite3 FILE .recover` into a new file, or move it aside and start a new database"
        case .cannotOpen: "check that the directory exists and that this user may create files in it"
        case .io: "check the disk and the kernel log for I/O errors"
        case .schemaTooNew: "use the SoakMonitor version that wrote this database, or a newer one"
        case .invalidSelector: "write a selector such as name{label=\"value\",other=~\"re.*\"}"
        case .invalidArgument, .sqlite: "report this with the message and SQL"
        }
    }

    public var description: String {
        var line = "\(path.isEmpty ? "series store" : path): \(kind.rawValue): \(message)"
        if let sqliteCode { line += " (SQLite code \(sqliteCode))" }
        if let sql { line += " in `\(sql)`" }
        return line + "; what to do: " + remedy
    }

    /// Classifies a SQLite result code.
    static func kind(forSQLiteCode code: Int32) -> Kind {
        switch code & 0xff {
        case SQLITE_FULL: .diskFull
        case SQLITE_READONLY: .readOnly
        case SQLITE_BUSY, SQLITE_LOCKED: .locked
        case SQLITE_CORRUPT, SQLITE_NOTADB: .corrupt
        case SQLITE_CANTOPEN: .cannotOpen
        case SQLITE_IOERR: .io
        default: .sqlite
        }
    }

    /// A damaged chunk blob (path filled in by the store when it knows it).
    static func corruptChunk(_ message: String) -> StoreError {
        StoreError(kind: .corrupt, message: message)
    }
}
