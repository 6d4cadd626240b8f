/// What happened when a notifier tried to deliver one notification.
///
/// The outbox acts on it: ``delivered`` ends the entry, ``retryable(_:)`` schedules another try
/// with backoff, ``rejected(_:)`` ends it as failed — a 4xx means the receiver will refuse the
/// same bytes again, so retrying would only fill its logs.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted it (2xx, exit status 0, or printed).
    case delivered
    /// The receiver could not take it now (refused connection, timeout, 5xx, non-zero exit).
    case retryable(AlertDeliveryError)
    /// The receiver refused it for good (4xx); not retried.
    case rejected(AlertDeliveryError)
}
