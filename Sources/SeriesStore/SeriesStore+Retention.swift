/// What `applyRetention` removed.
public struct RetentionReport: Hashable, Sendable {
    public var rawChunksDropped = 0
    public var rollupChunksDropped = 0
    public var scrapeHealthRowsDropped = 0
    public var markersDropped = 0
    public var evidenceDropped = 0
}

/// Dropping old data.
extension SeriesStore {
    /// Deletes raw chunks, scrape health and fetched evidence older than `rawRetentionMs`, rollups
    /// and markers older than `rollupRetentionMs` (measured back from `nowMs`), in one transaction.
    /// Findings themselves are kept: they are small and the history of what leaked.
    ///
    /// Freed pages are reused by later writes, so the file stops growing at steady state rather
    /// than shrinking (no VACUUM: it would rewrite the whole file). Unflushed data is flushed first.
    @discardableResult
    public func applyRetention(nowMs: Int64) throws(StoreError) -> RetentionReport {
        try flush()
        let rawCutoff = nowMs &- configuration.rawRetentionMs
        let rollupCutoff = nowMs &- configuration.rollupRetentionMs
        var report = RetentionReport()
        let stored = heads.filter(\.isStored).map(\.id.rawValue)
        try database.transaction { () throws(StoreError) in
            // Per series through the covering (series_id, start_ms, end_ms) index: no end_ms index
            // to pay for on every chunk (0.03 bytes/sample), and no full-table scan.
            for id in stored {
                report.rawChunksDropped += try delete("DELETE FROM chunk WHERE series_id = ?2 AND end_ms < ?1",
                                                      before: rawCutoff, series: id)
                report.rollupChunksDropped += try delete("DELETE FROM rollup_chunk WHERE series_id = ?2 AND end_ms < ?1",
                                                         before: rollupCutoff, series: id)
            }
            report.scrapeHealthRowsDropped = try delete("DELETE FROM scrape_health WHERE time_ms < ?1", before: rawCutoff)
            report.markersDropped = try delete("DELETE FROM marker WHERE time_ms < ?1", before: rollupCutoff)
            report.evidenceDropped = try delete("DELETE FROM evidence WHERE fetched_ms < ?1", before: rawCutoff)
        }
        return report
    }

    private func delete(_ sql: String, before cutoffMs: Int64, series: Int64? = nil) throws(StoreError) -> Int {
        let statement = try database.statement(sql)
        try statement.bind(cutoffMs, at: 1)
        if let series { try statement.bind(series, at: 2) }
        try statement.run()
        return database.changes
    }
}
