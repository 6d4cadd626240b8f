import Foundation

/// An ``OutboxStorage`` in memory: for tests and for `soak demo`, where nothing needs to outlive
/// the process. Not durable.
public actor InMemoryOutboxStorage: OutboxStorage {
    private var entries: [Int64: OutboxEntry] = [:]
    private var nextID: Int64 = 1

    public init() {}

    public func enqueue(_ entry: NewOutboxEntry) -> OutboxEntry {
        let stored = OutboxEntry(
            id: nextID, receiver: entry.receiver, dedupeKey: entry.dedupeKey, alertState: entry.alertState,
            payload: entry.payload, createdAt: entry.createdAt, nextAttemptAt: entry.createdAt)
        entries[nextID] = stored
        nextID += 1
        return stored
    }

    public func pending() -> [OutboxEntry] {
        entries.values.filter { $0.state == .pending }.sorted { $0.id < $1.id }
    }

    public func markDelivered(id: Int64, at time: Date) throws {
        try update(id) {
            $0.state = .delivered
            $0.finishedAt = time
        }
    }

    public func markAttempt(id: Int64, nextAttemptAt: Date, lastError: String) throws {
        try update(id) {
            $0.attempts += 1
            $0.nextAttemptAt = nextAttemptAt
            $0.lastError = lastError
        }
    }

    public func markRejected(id: Int64, at time: Date, lastError: String) throws {
        try update(id) {
            $0.attempts += 1
            $0.state = .rejected
            $0.lastError = lastError
            $0.finishedAt = time
        }
    }

    public func markSuperseded(id: Int64, by newerID: Int64, at time: Date) throws {
        try update(id) {
            $0.state = .superseded
            $0.lastError = "superseded by entry \(newerID)"
            $0.finishedAt = time
        }
    }

    public func removeFinished(before time: Date) -> Int {
        let old = entries.values.filter { $0.state != .pending && ($0.finishedAt ?? .distantFuture) < time }
        for entry in old { entries[entry.id] = nil }
        return old.count
    }

    /// Every entry in id order, finished ones included: what tests inspect.
    public func all() -> [OutboxEntry] {
        entries.values.sorted { $0.id < $1.id }
    }

    private func update(_ id: Int64, _ change: (inout OutboxEntry) -> Void) throws {
        guard var entry = entries[id] else {
            throw OutboxStorageError(kind: .notFound, message: "no outbox entry \(id)")
        }
        change(&entry)
        entries[id] = entry
    }
}

/// A storage operation that failed, e.g. an unknown entry id or a database error.
public struct OutboxStorageError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case notFound, database }
    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "outbox \(kind.rawValue): \(message)" }
}
