import SoakModel
import Foundation
import MonitorState
import SeriesStore

/// The alert outbox kept in the monitor's SQLite file, so undelivered notifications survive a
/// restart or a `kill -9`. Rows in, rows out: the policy stays in ``AlertOutbox``.
public struct StoredOutboxStorage: OutboxStorage {
    public let database: MonitorDatabase

    public init(database: MonitorDatabase) { self.database = database }

    public func enqueue(_ entry: NewOutboxEntry) async throws -> OutboxEntry {
        let row = try await database.insertOutbox(
            receiver: entry.receiver, dedupeKey: entry.dedupeKey, alertState: entry.alertState,
            payload: Array(entry.payload), createdMs: entry.createdAt.unixMilliseconds)
        return Self.entry(row)
    }

    public func pending() async throws -> [OutboxEntry] {
        try await database.pendingOutbox().map(Self.entry)
    }

    public func markDelivered(id: Int64, at time: Date) async throws {
        try await database.markOutboxDelivered(id: id, atMs: time.unixMilliseconds)
    }

    public func markAttempt(id: Int64, nextAttemptAt: Date, lastError: String) async throws {
        try await database.markOutboxAttempt(id: id, nextAttemptMs: nextAttemptAt.unixMilliseconds, lastError: lastError)
    }

    public func markRejected(id: Int64, at time: Date, lastError: String) async throws {
        try await database.markOutboxRejected(id: id, atMs: time.unixMilliseconds, lastError: lastError)
    }

    public func markSuperseded(id: Int64, by newerID: Int64, at time: Date) async throws {
        try await database.markOutboxSuperseded(id: id, atMs: time.unixMilliseconds)
    }

    public func removeFinished(before time: Date) async throws -> Int {
        try await database.removeFinishedOutbox(beforeMs: time.unixMilliseconds)
    }

    /// A stored row as the outbox sees it.
    static func entry(_ row: OutboxRow) -> OutboxEntry {
        OutboxEntry(
            id: row.id, receiver: row.receiver, dedupeKey: row.dedupeKey,
            alertState: row.alertState, payload: Data(row.payload),
            createdAt: Date(unixMilliseconds: row.createdMs), attempts: row.attempts, nextAttemptAt: Date(unixMilliseconds: row.nextAttemptMs),
            state: row.state, lastError: row.lastError,
            finishedAt: row.finishedMs.map(Date.init(unixMilliseconds:)))
    }
}
