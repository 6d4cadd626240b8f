import SoakModel

/// The database layout and how older layouts are brought up to date.
///
/// `PRAGMA user_version` holds the schema version. Opening runs every migration above the
/// file's version, each in its own transaction that also sets the new version, so a crash in
/// the middle leaves a consistent older version that the next open migrates again. A file with a
/// version above `currentVersion` is refused (`.schemaTooNew`) rather than misread.
/// Version 0 is an empty (new) file; version 2 added the alert outbox and the findings, version 3
/// the evidence (profiles) captured for findings.
enum Schema {
    /// One step from `version - 1` to `version`.
    struct Migration: Sendable {
        let version: Int64
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE series (
                id INTEGER PRIMARY KEY,
                metric TEXT NOT NULL,
                labels TEXT NOT NULL,                 -- LabelText: a="1",b="2", sorted
                sealed_end_ms INTEGER,                -- last timestamp in sealed chunks: resume point
                sealed_last_value INTEGER,            -- its value's bit pattern: duplicate detection
                UNIQUE (metric, labels)
            );
            CREATE TABLE chunk (                      -- sealed chunks, append-only (rowid order = write order)
                id INTEGER PRIMARY KEY,
                series_id INTEGER NOT NULL,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER NOT NULL,
                data BLOB NOT NULL                    -- ChunkEncoder bytes
            );
            -- Covers range reads and per-series retention (end_ms read from the index, not the row).
            CREATE INDEX chunk_by_series ON chunk (series_id, start_ms, end_ms);
            CREATE TABLE head_chunk (                 -- each series' open chunk, re-written at flush
                series_id INTEGER PRIMARY KEY,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER NOT NULL,
                data BLOB NOT NULL
            );
            CREATE TABLE rollup_chunk (               -- 5-minute rollups of one sealed chunk
                id INTEGER PRIMARY KEY,
                series_id INTEGER NOT NULL,
                start_ms INTEGER NOT NULL,
                end_ms INTEGER NOT NULL,
                data BLOB NOT NULL                    -- RollupCodec bytes
            );
            CREATE INDEX rollup_by_series ON rollup_chunk (series_id, start_ms, end_ms);
            CREATE TABLE metric_family (
                name TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                help TEXT,
                unit TEXT
            );
            CREATE TABLE scrape_health (
                id INTEGER PRIMARY KEY,
                target TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                up INTEGER NOT NULL,
                duration_seconds REAL NOT NULL,
                samples_scraped INTEGER NOT NULL,
                error TEXT
            );
            CREATE INDEX scrape_health_by_target ON scrape_health (target, time_ms);
            CREATE INDEX scrape_health_by_time ON scrape_health (time_ms);
            CREATE TABLE marker (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,                   -- restart | version_change | other text
                target TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                detail TEXT NOT NULL
            );
            CREATE INDEX marker_by_time ON marker (time_ms);
            CREATE INDEX marker_by_target ON marker (target, time_ms);
            """),
        // Version 2: the daemon's durable state besides samples. AUTOINCREMENT so an id is never
        // reused after `removeFinishedOutbox` deletes the highest one: the outbox orders an
        // episode's entries by id, and a link to a finding must never point at another one.
        Migration(version: 2, sql: """
            CREATE TABLE outbox (                     -- one notification for one receiver
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                receiver TEXT NOT NULL,
                dedupe_key TEXT NOT NULL,
                alert_state TEXT NOT NULL,            -- firing | resolved
                payload BLOB NOT NULL,                -- the notification as JSON; holds no secret
                created_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | rejected | superseded
                last_error TEXT,
                finished_ms INTEGER
            );
            CREATE INDEX outbox_by_state ON outbox (state, id);
            CREATE TABLE finding (                    -- one leak episode of one series
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                metric TEXT NOT NULL,
                labels TEXT NOT NULL,                 -- LabelText of the series (without version)
                resource TEXT NOT NULL,
                state TEXT NOT NULL,                  -- firing | resolved
                onset_ms INTEGER NOT NULL,
                first_alert_ms INTEGER NOT NULL,
                resolved_ms INTEGER,
                judged_ms INTEGER NOT NULL,           -- the last assessment's numbers follow
                slope_per_hour REAL NOT NULL,
                growth_percent_per_hour REAL NOT NULL,
                least_squares_slope_per_hour REAL NOT NULL,
                confidence REAL NOT NULL,
                exhaustion_ms INTEGER,
                version TEXT,
                dedupe_key TEXT NOT NULL UNIQUE,
                last_notified_ms INTEGER NOT NULL
            );
            CREATE INDEX finding_by_state ON finding (state, id);
            """),
        // Version 3: what was fetched from a target when its leak was found (pprof profiles).
        Migration(version: 3, sql: """
            CREATE TABLE evidence (                   -- one document fetched for one finding
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                finding_id INTEGER NOT NULL,
                name TEXT NOT NULL,                   -- heap | goroutine | a configured name
                url TEXT NOT NULL,                    -- where from, without credentials
                fetched_ms INTEGER NOT NULL,
                http_status INTEGER NOT NULL,         -- 0 when no response arrived
                content_type TEXT,                    -- what the response said it is
                error TEXT,                           -- why there is no data; NULL on success
                data BLOB                             -- the body exactly as received
            );
            CREATE INDEX evidence_by_finding ON evidence (finding_id, id);
            CREATE INDEX evidence_by_time ON evidence (fetched_ms);
            """),
        // Version 4: no table changes. Sealed chunks may now be in decimal coding (chunk encoding
        // 2, rollup encoding 3); the version keeps older builds, which cannot decode them, from
        // opening such a file (`.schemaTooNew`) instead of failing on its chunks. Everything
        // written before stays readable.
        Migration(version: 4, sql: "-- chunk encoding 2 and rollup encoding 3 (decimal coding) from here on"),
    ]

    /// The version this build writes.
    static var currentVersion: Int64 { migrations.last?.version ?? 0 }

    /// Brings `database` to `currentVersion`, or throws `.schemaTooNew`.
    static func migrate(_ database: Database, upTo target: Int64 = currentVersion) throws(StoreError) {
        let found = try database.scalarInt("PRAGMA user_version") ?? 0
        if found > currentVersion {
            throw StoreError(kind: .schemaTooNew,
                             message: "schema version \(found) is newer than this build's \(currentVersion)",
                             path: database.path)
        }
        if found == 0, target > 0, let tables = try database.scalarInt("SELECT count(*) FROM sqlite_schema"), tables > 0 {
            // Version 0 means "empty": a database of some other program must not get our tables.
            throw StoreError(kind: .invalidArgument,
                             message: "not a SoakMonitor database: it has \(tables) schema objects but no schema version",
                             path: database.path)
        }
        for migration in migrations where migration.version > found && migration.version <= target {
            try database.transaction { () throws(StoreError) in
                try database.execute(migration.sql)
                // PRAGMA takes no bound parameters; the value is our own integer constant.
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
        database.clearStatementCache()
    }
}
