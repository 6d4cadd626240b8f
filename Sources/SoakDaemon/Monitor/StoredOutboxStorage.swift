import Foundation
import SeriesStore

/// The alert outbox kept in the monitor's SQLite file, so undelivered notifications survive a
/// restart or a `kill -9`. Rows in, rows out: the policy stays in ``AlertOutbox``.
public struct StoredOutboxStorage: OutboxStorage {
    public let database: MonitorDatabase

    public init(database: MonitorDatabase) { self.database = database }

    public func enqueue(_ entry: NewOutboxEntry) async throws -> OutboxEntry {
        let row = try await database.insertOutbox(
            receiver: entry.receiver, dedupeKey: entry.dedupeKey, alertState: entry.alertState.rawValue,
            payload: Array(entry.payload), createdMs: Self.ms(entry.createdAt))
        return Self.entry(row)
    }

    public func pending() async throws -> [OutboxEntry] {
        try await database.pendingOutbox().map(Self.entry)
    }

    public func markDelivered(id: Int64, at time: Date) async throws {
        try await database.markOutboxDelivered(id: id, atMs: Self.ms(time))
    }

    public func markAttempt(id: Int64, nextAttemptAt: Date, lastError: String) async throws {
        try await database.markOutboxAttempt(id: id, nextAttemptMs: Self.ms(nextAttemptAt), lastError: lastError)
    }

    public func markRejected(id: Int64, at time: Date, lastError: String) async throws {
        try await database.markOutboxRejected(id: id, atMs: Self.ms(time), lastError: lastError)
    }

    public func markSuperseded(id: Int64, by newerID: Int64, at time: Date) async throws {
        try await database.markOutboxSuperseded(id: id, atMs: Self.ms(time))
    }

    public func removeFinished(before time: Date) async throws -> Int {
        try await database.removeFinishedOutbox(beforeMs: Self.ms(time))
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// A stored row as the outbox sees it; an unknown state text reads as finished (`rejected`)
    /// so a row from a newer build is never sent twice.
    static func entry(_ row: OutboxRow) -> OutboxEntry {
        OutboxEntry(
            id: row.id, receiver: row.receiver, dedupeKey: row.dedupeKey,
            alertState: AlertState(rawValue: row.alertState) ?? .firing, payload: Data(row.payload),
            createdAt: date(row.createdMs), attempts: row.attempts, nextAttemptAt: date(row.nextAttemptMs),
            state: OutboxEntry.DeliveryState(rawValue: row.state) ?? .rejected, lastError: row.lastError,
            finishedAt: row.finishedMs.map(date))
    }
}
