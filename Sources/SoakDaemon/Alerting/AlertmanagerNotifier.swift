import HTTPClient
import Foundation

/// Delivers findings to an Alertmanager through its v2 API: `POST <url>/api/v2/alerts` with a
/// one-element JSON array.
///
/// Alertmanager identifies an alert by its label set, so every send of one episode — the first,
/// each refresh, a re-send after a restart, the resolve — updates the same alert
/// (see ``AlertRendering/labels(for:)``). A firing alert carries `endsAt` = now + 4 × the resend
/// interval, like Prometheus: if the monitor stops refreshing (it died), Alertmanager resolves
/// the alert on its own instead of showing a stale leak forever. A resolved alert carries the
/// episode's end as `endsAt`, which Alertmanager treats as resolved because it is in the past.
///
/// `severity` is a label, so when an episode's severity changes (its projected exhaustion moves
/// into or out of the critical horizon) Alertmanager would see a second alert and keep the first
/// until its `endsAt`. Each request therefore also carries the episode under the *other*
/// severity, ended now: one episode is one active alert at any time. Alertmanager does not
/// notify anyone about a resolved alert that never fired, so the extra element is silent.
public struct AlertmanagerNotifier: AlertNotifier {
    public let name: String
    public let configuration: AlertmanagerConfiguration
    private let http = HTTPDelivery()
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for a firing alert's `endsAt`; tests may pin it.
    public init(name: String, configuration: AlertmanagerConfiguration, now: @escaping @Sendable () -> Date = Date.init) {
        self.name = name
        self.configuration = configuration
        self.now = now
    }

    /// `<url>/api/v2/alerts`, with exactly one slash at the join.
    public var alertsURL: String {
        var base = configuration.url
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v2/alerts"
    }

    public func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        let body: Data
        do {
            body = try AlertJSON.encoder().encode(postableAlerts(for: notification))
        } catch {
            return .rejected(AlertDeliveryError(
                kind: .payload, message: "cannot encode alert: \(error)", receiver: name,
                target: AlertDeliveryError.redactedURL(alertsURL)))
        }
        var request = HTTPRequest(
            url: alertsURL,
            headers: [(name: "Content-Type", value: "application/json")],
            body: Array(body),
            timeoutSeconds: configuration.timeoutSeconds,
            connectTimeoutSeconds: min(5, configuration.timeoutSeconds),
            caFile: configuration.tlsCAFile)
        if let problem = configuration.credentials.apply(to: &request) {
            return .retryable(AlertDeliveryError(
                kind: .configuration, message: problem, receiver: name,
                target: AlertDeliveryError.redactedURL(alertsURL)))
        }
        return await http.send(request, receiver: name)
    }

    /// The request body: the alert as Alertmanager's `postableAlert` schema defines it, then the
    /// same episode under the other severity, ended.
    public func postableAlerts(for notification: AlertNotification) -> [AlertmanagerPostableAlert] {
        let finding = notification.finding
        let sentAt = now()
        let endsAt: Date
        if finding.state == .resolved {
            endsAt = finding.resolvedAt ?? notification.createdAt
        } else {
            endsAt = sentAt.addingTimeInterval(4 * configuration.resendIntervalSeconds)
        }
        var other = finding
        other.severity = finding.severity == .critical ? .warning : .critical
        return [
            AlertmanagerPostableAlert(
                labels: AlertRendering.labels(for: finding),
                annotations: AlertRendering.annotations(for: finding),
                startsAt: finding.firstAlertAt,
                endsAt: endsAt,
                generatorURL: finding.linkURL),
            AlertmanagerPostableAlert(
                labels: AlertRendering.labels(for: other),
                annotations: AlertRendering.annotations(for: other),
                startsAt: finding.firstAlertAt,
                endsAt: min(endsAt, sentAt),
                generatorURL: finding.linkURL),
        ]
    }
}

/// One element of the body of `POST /api/v2/alerts` (Alertmanager's `postableAlert`).
public struct AlertmanagerPostableAlert: Codable, Sendable, Hashable {
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: Date
    public var endsAt: Date
    public var generatorURL: String
}
