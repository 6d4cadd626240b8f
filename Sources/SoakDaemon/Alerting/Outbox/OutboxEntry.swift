import SoakModel
import Foundation
import MonitorState

/// One notification waiting for (or done with) delivery to one receiver: a plain row, so a
/// SQLite table can hold it column for column.
public struct OutboxEntry: Sendable, Hashable {
    /// Assigned by the storage, increasing in enqueue order; the delivery order within an episode.
    public var id: Int64
    /// The notifier's configured name.
    public var receiver: String
    /// The episode's identity (``LeakFinding/dedupeKey``).
    public var dedupeKey: String
    /// Whether the payload announces or resolves the episode.
    public var alertState: AlertState
    /// The ``AlertNotification`` as JSON (``AlertNotification/encoded()``). Holds no secret.
    public var payload: Data
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    /// Not tried before this time.
    public var nextAttemptAt: Date
    public var state: OutboxDeliveryState
    /// The last failure's ``AlertDeliveryError/description`` (no secrets by construction).
    public var lastError: String?
    /// When it was delivered, rejected or superseded.
    public var finishedAt: Date?

    public init(
        id: Int64, receiver: String, dedupeKey: String, alertState: AlertState, payload: Data, createdAt: Date,
        attempts: Int = 0, nextAttemptAt: Date, state: OutboxDeliveryState = .pending, lastError: String? = nil,
        finishedAt: Date? = nil
    ) {
        self.id = id
        self.receiver = receiver
        self.dedupeKey = dedupeKey
        self.alertState = alertState
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.state = state
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}

/// What the outbox asks a storage to insert; the storage adds the id and the bookkeeping.
public struct NewOutboxEntry: Sendable, Hashable {
    public var receiver: String
    public var dedupeKey: String
    public var alertState: AlertState
    public var payload: Data
    public var createdAt: Date

    public init(receiver: String, dedupeKey: String, alertState: AlertState, payload: Data, createdAt: Date) {
        self.receiver = receiver
        self.dedupeKey = dedupeKey
        self.alertState = alertState
        self.payload = payload
        self.createdAt = createdAt
    }
}
