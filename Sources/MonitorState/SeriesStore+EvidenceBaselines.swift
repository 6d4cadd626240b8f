import SeriesStore
/// Baseline evidence: profiles of a healthy target, captured on a schedule with no finding
/// (``EvidenceRecord/baselineFindingID``), so that a later leak's profiles can be diffed against
/// what the process looked like before it grew. Rows live in the `evidence` table beside the
/// findings' documents and are keyed by what was fetched (`name`) and where (`url`).
extension SeriesStore {
    /// The newest successful baseline of `name` from `url` fetched before `beforeMs`, with its body.
    public func latestBaseline(name: String, url: String, fetchedBeforeMs beforeMs: Int64) throws(StoreError) -> EvidenceRecord? {
        try baseline(name: name, url: url, fetchedBeforeMs: beforeMs, order: "DESC")
    }

    /// The oldest successful baseline of `name` from `url` fetched before `beforeMs`, with its body:
    /// the fallback when none predates a leak's estimated onset.
    public func earliestBaseline(name: String, url: String, fetchedBeforeMs beforeMs: Int64) throws(StoreError) -> EvidenceRecord? {
        try baseline(name: name, url: url, fetchedBeforeMs: beforeMs, order: "ASC")
    }

    private func baseline(name: String, url: String, fetchedBeforeMs beforeMs: Int64, order: String) throws(StoreError) -> EvidenceRecord? {
        let statement = try database.statement("""
            SELECT id FROM evidence WHERE finding_id = ?1 AND name = ?2 AND url = ?3 AND fetched_ms < ?4 \
            AND error IS NULL AND data IS NOT NULL ORDER BY fetched_ms \(order), id \(order) LIMIT 1
            """)
        let id: Int64?
        do {
            defer { statement.reset() }
            try statement.bind(EvidenceRecord.baselineFindingID, at: 1)
            try statement.bind(name, at: 2)
            try statement.bind(url, at: 3)
            try statement.bind(beforeMs, at: 4)
            id = try statement.step() ? statement.int64(at: 0) : nil
        }
        guard let id else { return nil }
        return try evidence(id: id)
    }

    /// Deletes all but the newest `keep` baselines of `name` from `url`; returns how many went.
    @discardableResult
    public func pruneBaselines(name: String, url: String, keep: Int) throws(StoreError) -> Int {
        try requireWritable()
        let statement = try database.statement("""
            DELETE FROM evidence WHERE finding_id = ?1 AND name = ?2 AND url = ?3 AND id NOT IN \
            (SELECT id FROM evidence WHERE finding_id = ?1 AND name = ?2 AND url = ?3 ORDER BY fetched_ms DESC, id DESC LIMIT ?4)
            """)
        try statement.bind(EvidenceRecord.baselineFindingID, at: 1)
        try statement.bind(name, at: 2)
        try statement.bind(url, at: 3)
        try statement.bind(Int64(keep), at: 4)
        try statement.run()
        return database.changes
    }
}

extension EvidenceRecord {
    /// The `findingID` of a baseline capture: taken on schedule from a healthy target, not for a finding.
    public static let baselineFindingID: Int64 = 0

    /// Whether this is a baseline capture rather than a finding's evidence.
    public var isBaseline: Bool { findingID == Self.baselineFindingID }
}
