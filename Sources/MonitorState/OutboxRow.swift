import SoakModel

/// Where an outbox row is in its life (the `state` column holds the raw value). Only `pending`
/// rows are ever delivered.
public enum OutboxDeliveryState: String, Codable, Sendable, Hashable, CaseIterable {
    case pending
    case delivered
    /// The receiver refused it (4xx); never retried.
    case rejected
    /// A newer notification of the same state for the same episode and receiver replaced it
    /// before it was delivered (an older firing refresh); never delivered.
    case superseded
}

/// One row of the alert outbox as the store keeps it: a notification for one receiver and its
/// delivery bookkeeping, states typed. The daemon's `OutboxStorage` maps it to and from its
/// entry type (which carries `Date` and `Data`).
public struct OutboxRow: Sendable, Hashable {
    /// Increasing in insertion order, never reused.
    public var id: Int64
    public var receiver: String
    public var dedupeKey: String
    public var alertState: AlertState
    /// The notification's JSON; holds no secret.
    public var payload: [UInt8]
    public var createdMs: Int64
    public var attempts: Int
    public var nextAttemptMs: Int64
    public var state: OutboxDeliveryState
    public var lastError: String?
    public var finishedMs: Int64?

    public init(id: Int64, receiver: String, dedupeKey: String, alertState: AlertState, payload: [UInt8], createdMs: Int64,
                attempts: Int = 0, nextAttemptMs: Int64, state: OutboxDeliveryState = .pending, lastError: String? = nil,
                finishedMs: Int64? = nil) {
        self.id = id
        self.receiver = receiver
        self.dedupeKey = dedupeKey
        self.alertState = alertState
        self.payload = payload
        self.createdMs = createdMs
        self.attempts = attempts
        self.nextAttemptMs = nextAttemptMs
        self.state = state
        self.lastError = lastError
        self.finishedMs = finishedMs
    }
}
