import SeriesStore
/// The evidence table: documents fetched for findings. Bodies are read only by id, so listing
/// the evidence of many findings never loads a profile.
extension SeriesStore {
    /// Stores `record` (its `id` is ignored) and returns it with the assigned id.
    public func insertEvidence(_ record: EvidenceRecord) throws(StoreError) -> EvidenceRecord {
        try requireWritable()
        let sql = """
            INSERT INTO evidence (finding_id, name, url, fetched_ms, http_status, content_type, error, data) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        let id = try database.insert(sql) { statement throws(StoreError) in
            try statement.bind(record.findingID, at: 1)
            try statement.bind(record.name, at: 2)
            try statement.bind(record.url, at: 3)
            try statement.bind(record.fetchedMs, at: 4)
            try statement.bind(Int64(record.httpStatus), at: 5)
            try statement.bind(record.contentType, at: 6)
            try statement.bind(record.error, at: 7)
            try statement.bind(record.data, at: 8)
        }
        var stored = record
        stored.id = id
        return stored
    }

    /// The evidence of `findingID` (of every finding when nil), oldest first, without bodies.
    public func evidence(findingID: Int64? = nil) throws(StoreError) -> [EvidenceRecord] {
        let statement = try database.statement("""
            SELECT id, finding_id, name, url, fetched_ms, http_status, content_type, error, length(data) \
            FROM evidence WHERE (?1 IS NULL OR finding_id = ?1) ORDER BY id
            """)
        defer { statement.reset() }
        try statement.bind(findingID, at: 1)
        var records: [EvidenceRecord] = []
        while try statement.step() {
            var record = readEvidence(statement, data: nil)
            record.byteCount = Int(statement.int64(at: 8))
            records.append(record)
        }
        return records
    }

    /// One piece of evidence with its body, if stored.
    public func evidence(id: Int64) throws(StoreError) -> EvidenceRecord? {
        let statement = try database.statement("""
            SELECT id, finding_id, name, url, fetched_ms, http_status, content_type, error, data FROM evidence WHERE id = ?
            """)
        defer { statement.reset() }
        try statement.bind(id, at: 1)
        guard try statement.step() else { return nil }
        return readEvidence(statement, data: statement.isNull(at: 8) ? nil : Array(statement.blob(at: 8)))
    }

    private func readEvidence(_ statement: Statement, data: [UInt8]?) -> EvidenceRecord {
        EvidenceRecord(
            id: statement.int64(at: 0), findingID: statement.int64(at: 1), name: statement.text(at: 2) ?? "",
            url: statement.text(at: 3) ?? "", fetchedMs: statement.int64(at: 4), httpStatus: Int(statement.int64(at: 5)),
            contentType: statement.text(at: 6), error: statement.text(at: 7), data: data)
    }
}
