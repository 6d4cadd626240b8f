/// A hook that delivers leak notifications to one receiver: Alertmanager, a webhook, a command,
/// or the terminal.
///
/// Notifiers do not retry; they report what happened and the ``AlertOutbox`` decides when to try
/// again. `deliver` must not throw or hang: every failure is an outcome, and every network or
/// process wait is bounded by the hook's timeout.
public protocol AlertNotifier: Sendable {
    /// The receiver's configured name; the outbox keys entries by it.
    var name: String { get }
    /// Tries once to deliver `notification`.
    func deliver(_ notification: AlertNotification) async -> DeliveryOutcome
}
