/// What `applyRetention` removed.
public struct RetentionReport: Hashable, Sendable {
    public var rawChunksDropped = 0
    public var rollupChunksDropped = 0
    public var scrapeHealthRowsDropped = 0
    public var markersDropped = 0
}

/// Dropping old data.
extension SeriesStore {
    /// Deletes raw chunks and scrape health older than `rawRetentionMs`, rollups and markers older
    /// than `rollupRetentionMs` (measured back from `nowMs`), in one transaction.
    ///
    /// Freed pages are reused by later writes, so the file stops growing at steady state rather
    /// than shrinking (no VACUUM: it would rewrite the whole file). Unflushed data is flushed first.
    @discardableResult
    public func applyRetention(nowMs: Int64) throws(StoreError) -> RetentionReport {
        try flush()
        let rawCutoff = nowMs &- configuration.rawRetentionMs
        let rollupCutoff = nowMs &- configuration.rollupRetentionMs
        var report = RetentionReport()
        try database.transaction { () throws(StoreError) in
            report.rawChunksDropped = try delete("DELETE FROM chunk WHERE end_ms < ?1", before: rawCutoff)
            report.rollupChunksDropped = try delete("DELETE FROM rollup_chunk WHERE end_ms < ?1", before: rollupCutoff)
            report.scrapeHealthRowsDropped = try delete("DELETE FROM scrape_health WHERE time_ms < ?1", before: rawCutoff)
            report.markersDropped = try delete("DELETE FROM marker WHERE time_ms < ?1", before: rollupCutoff)
        }
        return report
    }

    private func delete(_ sql: String, before cutoffMs: Int64) throws(StoreError) -> Int {
        let statement = try database.statement(sql)
        try statement.bind(cutoffMs, at: 1)
        try statement.run()
        return database.changes
    }
}
