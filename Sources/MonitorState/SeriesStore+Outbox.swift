import SeriesStore
import SoakModel

/// The alert outbox's rows. Each write is its own autocommitted statement, so it is durable
/// (with the store's `synchronous` setting) when the call returns — the outbox's contract: an
/// entry marked delivered stays delivered after a crash, and a pending one is retried.
extension SeriesStore {
    private static let outboxColumns =
        "id, receiver, dedupe_key, alert_state, payload, created_ms, attempts, next_attempt_ms, state, last_error, finished_ms"

    /// Inserts a pending row due at `createdMs` and returns it with its id.
    public func insertOutbox(receiver: String, dedupeKey: String, alertState: AlertState, payload: [UInt8],
                             createdMs: Int64) throws(StoreError) -> OutboxRow {
        try requireWritable()
        let sql = "INSERT INTO outbox (receiver, dedupe_key, alert_state, payload, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?)"
        let id = try database.insert(sql) { statement throws(StoreError) in
            try statement.bind(receiver, at: 1)
            try statement.bind(dedupeKey, at: 2)
            try statement.bind(alertState.rawValue, at: 3)
            try statement.bind(payload, at: 4)
            try statement.bind(createdMs, at: 5)
            try statement.bind(createdMs, at: 6)
        }
        return OutboxRow(id: id, receiver: receiver, dedupeKey: dedupeKey, alertState: alertState, payload: payload,
                         createdMs: createdMs, nextAttemptMs: createdMs)
    }

    /// Every `pending` row, in id order.
    public func pendingOutbox() throws(StoreError) -> [OutboxRow] {
        try outboxRows(where: "state = 'pending'")
    }

    /// Every row (any state), in id order: for inspection and tests.
    public func allOutbox() throws(StoreError) -> [OutboxRow] {
        try outboxRows(where: "1")
    }

    private func outboxRows(where condition: String) throws(StoreError) -> [OutboxRow] {
        // `condition` is one of this file's constants, never input.
        let statement = try database.statement("SELECT \(Self.outboxColumns) FROM outbox WHERE \(condition) ORDER BY id")
        defer { statement.reset() }
        var rows: [OutboxRow] = []
        while try statement.step() {
            rows.append(OutboxRow(
                id: statement.int64(at: 0), receiver: statement.text(at: 1) ?? "", dedupeKey: statement.text(at: 2) ?? "",
                alertState: AlertState(rawValue: statement.text(at: 3) ?? "") ?? .firing, payload: Array(statement.blob(at: 4)),
                createdMs: statement.int64(at: 5), attempts: Int(statement.int64(at: 6)),
                nextAttemptMs: statement.int64(at: 7),
                // A state text this build does not know reads as finished (`rejected`), so a
                // row from a newer build is never sent twice.
                state: OutboxDeliveryState(rawValue: statement.text(at: 8) ?? "") ?? .rejected,
                lastError: statement.text(at: 9), finishedMs: statement.isNull(at: 10) ? nil : statement.int64(at: 10)))
        }
        return rows
    }

    /// The row was delivered at `atMs`.
    public func markOutboxDelivered(id: Int64, atMs: Int64) throws(StoreError) {
        try finishOutbox(id: id, state: .delivered, atMs: atMs, lastError: nil)
    }

    /// The receiver refused the row for good.
    public func markOutboxRejected(id: Int64, atMs: Int64, lastError: String) throws(StoreError) {
        try finishOutbox(id: id, state: .rejected, atMs: atMs, lastError: lastError)
    }

    /// A newer row replaces this one. (`newerID` is implied by the episode; only the state is kept.)
    public func markOutboxSuperseded(id: Int64, atMs: Int64) throws(StoreError) {
        try finishOutbox(id: id, state: .superseded, atMs: atMs, lastError: nil)
    }

    private func finishOutbox(id: Int64, state: OutboxDeliveryState, atMs: Int64, lastError: String?) throws(StoreError) {
        try requireWritable()
        let statement = try database.statement(
            "UPDATE outbox SET state = ?, finished_ms = ?, last_error = coalesce(?, last_error) WHERE id = ?")
        try statement.bind(state.rawValue, at: 1)
        try statement.bind(atMs, at: 2)
        try statement.bind(lastError, at: 3)
        try statement.bind(id, at: 4)
        try statement.run()
    }

    /// One more failed attempt; not tried again before `nextAttemptMs`.
    public func markOutboxAttempt(id: Int64, nextAttemptMs: Int64, lastError: String) throws(StoreError) {
        try requireWritable()
        let statement = try database.statement(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?")
        try statement.bind(nextAttemptMs, at: 1)
        try statement.bind(lastError, at: 2)
        try statement.bind(id, at: 3)
        try statement.run()
    }

    /// Deletes finished rows finished before `beforeMs`; returns how many.
    public func removeFinishedOutbox(beforeMs: Int64) throws(StoreError) -> Int {
        try requireWritable()
        let statement = try database.statement("DELETE FROM outbox WHERE state != 'pending' AND finished_ms < ?")
        try statement.bind(beforeMs, at: 1)
        try statement.run()
        return database.changes
    }

    /// Refuses writes on a store opened read-only, with the same error a flush gives.
    func requireWritable() throws(StoreError) {
        if configuration.readOnly {
            throw StoreError(kind: .readOnly, message: "the store was opened read-only", path: path)
        }
    }
}
