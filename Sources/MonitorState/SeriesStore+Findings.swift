import SeriesStore
import SoakModel

/// The findings table: one row per leak episode. Writes are autocommitted, so a finding is on
/// disk before its first notification is enqueued.
extension SeriesStore {
    private static let findingColumns = """
        id, metric, labels, resource, state, onset_ms, first_alert_ms, resolved_ms, judged_ms, slope_per_hour, \
        growth_percent_per_hour, least_squares_slope_per_hour, confidence, exhaustion_ms, version, dedupe_key, last_notified_ms
        """

    /// Inserts `record` (its `id` is ignored) and returns it with the assigned id.
    /// - throws: `.sqlite` (a constraint failure) when the dedupe key is already stored.
    public func insertFinding(_ record: FindingRecord) throws(StoreError) -> FindingRecord {
        try requireWritable()
        let sql = "INSERT INTO finding (\(Self.findingColumns)) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        let id = try database.insert(sql) { statement throws(StoreError) in try bindFinding(record, to: statement) }
        var stored = record
        stored.id = id
        return stored
    }

    /// Rewrites the row with `record.id`: new state, resolve time, latest numbers, resend clock.
    public func updateFinding(_ record: FindingRecord) throws(StoreError) {
        try requireWritable()
        let statement = try database.statement("""
            UPDATE finding SET metric = ?, labels = ?, resource = ?, state = ?, onset_ms = ?, first_alert_ms = ?, \
            resolved_ms = ?, judged_ms = ?, slope_per_hour = ?, growth_percent_per_hour = ?, \
            least_squares_slope_per_hour = ?, confidence = ?, exhaustion_ms = ?, version = ?, dedupe_key = ?, \
            last_notified_ms = ? WHERE id = ?
            """)
        try bindFinding(record, to: statement)
        try statement.bind(record.id, at: 17)
        try statement.run()
    }

    /// Findings in `state`, or all of them when nil, newest first, at most `limit`.
    public func findings(state: AlertState? = nil, limit: Int = .max) throws(StoreError) -> [FindingRecord] {
        let statement = try database.statement(
            "SELECT \(Self.findingColumns) FROM finding WHERE (?1 IS NULL OR state = ?1) ORDER BY id DESC LIMIT ?2")
        defer { statement.reset() }
        try statement.bind(state?.rawValue, at: 1)
        try statement.bind(Int64(min(limit, Int(Int64.max))), at: 2)
        var records: [FindingRecord] = []
        while try statement.step() { records.append(readFinding(statement)) }
        return records
    }

    /// The finding with `id`, if stored.
    public func finding(id: Int64) throws(StoreError) -> FindingRecord? {
        let statement = try database.statement("SELECT \(Self.findingColumns) FROM finding WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(id, at: 1)
        return try statement.step() ? readFinding(statement) : nil
    }

    private func bindFinding(_ record: FindingRecord, to statement: Statement) throws(StoreError) {
        try statement.bind(record.series.metric, at: 1)
        try statement.bind(LabelText.encode(record.series.labels), at: 2)
        try statement.bind(record.resource.rawValue, at: 3)
        try statement.bind(record.state.rawValue, at: 4)
        try statement.bind(record.onsetMs, at: 5)
        try statement.bind(record.firstAlertMs, at: 6)
        try statement.bind(record.resolvedMs, at: 7)
        try statement.bind(record.judgedMs, at: 8)
        try statement.bind(record.slopePerHour, at: 9)
        try statement.bind(record.growthPercentPerHour, at: 10)
        try statement.bind(record.leastSquaresSlopePerHour, at: 11)
        try statement.bind(record.confidence, at: 12)
        try statement.bind(record.exhaustionMs, at: 13)
        try statement.bind(record.version, at: 14)
        try statement.bind(record.dedupeKey, at: 15)
        try statement.bind(record.lastNotifiedMs, at: 16)
    }

    private func readFinding(_ statement: Statement) -> FindingRecord {
        func optionalInt(_ column: Int32) -> Int64? { statement.isNull(at: column) ? nil : statement.int64(at: column) }
        let labels = LabelText.decode(statement.text(at: 2) ?? "") ?? []
        return FindingRecord(
            id: statement.int64(at: 0), series: SeriesKey(metric: statement.text(at: 1) ?? "", labels: labels),
            resource: ResourceKind(labelValue: statement.text(at: 3) ?? ""),
            state: AlertState(rawValue: statement.text(at: 4) ?? "") ?? .firing,
            onsetMs: statement.int64(at: 5), firstAlertMs: statement.int64(at: 6), resolvedMs: optionalInt(7),
            judgedMs: statement.int64(at: 8), slopePerHour: statement.double(at: 9),
            growthPercentPerHour: statement.double(at: 10), leastSquaresSlopePerHour: statement.double(at: 11),
            confidence: statement.double(at: 12), exhaustionMs: optionalInt(13), version: statement.text(at: 14),
            dedupeKey: statement.text(at: 15) ?? "", lastNotifiedMs: statement.int64(at: 16))
    }
}
