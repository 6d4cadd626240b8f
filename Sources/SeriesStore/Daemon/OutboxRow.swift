/// One row of the alert outbox as the store keeps it: a notification for one receiver and its
/// delivery bookkeeping. Plain columns, so the store needs to know nothing about alerts; the
/// daemon's `OutboxStorage` maps it to and from its own entry type.
public struct OutboxRow: Sendable, Hashable {
    /// Increasing in insertion order, never reused.
    public var id: Int64
    public var receiver: String
    public var dedupeKey: String
    /// `firing` or `resolved`.
    public var alertState: String
    /// The notification's JSON; holds no secret.
    public var payload: [UInt8]
    public var createdMs: Int64
    public var attempts: Int
    public var nextAttemptMs: Int64
    /// `pending`, `delivered`, `rejected` or `superseded`.
    public var state: String
    public var lastError: String?
    public var finishedMs: Int64?

    public init(id: Int64, receiver: String, dedupeKey: String, alertState: String, payload: [UInt8], createdMs: Int64,
                attempts: Int = 0, nextAttemptMs: Int64, state: String = "pending", lastError: String? = nil,
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
