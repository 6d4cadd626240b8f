import Foundation

/// Where the ``AlertOutbox`` keeps its entries. Durable implementations (the SQLite one in
/// SeriesStore) make undelivered notifications survive a daemon restart or a kill -9.
///
/// The storage is deliberately dumb — rows in, rows out — and all policy (ordering, superseding,
/// backoff) lives in ``AlertOutbox``, so a second implementation cannot drift from the first.
/// Every method that changes an entry must be durable when it returns: the outbox marks an entry
/// delivered only after the receiver accepted it, so a crash in between causes one duplicate
/// send of the same episode (same dedupe key), never a lost one.
public protocol OutboxStorage: Sendable {
    /// Inserts a pending entry, due at its `createdAt`, with an id greater than every earlier one.
    func enqueue(_ entry: NewOutboxEntry) async throws -> OutboxEntry
    /// All `pending` entries in id order.
    func pending() async throws -> [OutboxEntry]
    /// The receiver accepted it.
    func markDelivered(id: Int64, at time: Date) async throws
    /// One more failed attempt: `attempts += 1`, the next try not before `nextAttemptAt`.
    func markAttempt(id: Int64, nextAttemptAt: Date, lastError: String) async throws
    /// The receiver refused it for good; it is never tried again.
    func markRejected(id: Int64, at time: Date, lastError: String) async throws
    /// A newer entry (`supersededBy`) replaces it; it is never tried.
    func markSuperseded(id: Int64, by newerID: Int64, at time: Date) async throws
    /// Deletes finished (delivered, rejected, superseded) entries finished before `time`;
    /// returns how many. Keeps a weeks-long run's table small.
    func removeFinished(before time: Date) async throws -> Int
}

extension OutboxStorage {
    /// Pending entries whose next attempt is due at `now`, in id order. Ordering between
    /// entries of one episode is the outbox's business (``AlertOutbox/deliverDue(now:)``).
    public func due(now: Date) async throws -> [OutboxEntry] {
        try await pending().filter { $0.nextAttemptAt <= now }
    }
}
