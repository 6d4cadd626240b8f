/// A notifier that counts its deliveries in the monitor's own metrics
/// (`soak_alerts_sent_total`, `soak_alerts_failed_total` per receiver) and otherwise is the
/// notifier it wraps: same name, same outcome.
struct MeteredNotifier: AlertNotifier {
    let base: any AlertNotifier
    let metrics: SoakMetrics

    var name: String { base.name }

    func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        let outcome = await base.deliver(notification)
        if case .delivered = outcome { metrics.alertSent(receiver: name) } else { metrics.alertFailed(receiver: name) }
        return outcome
    }
}
