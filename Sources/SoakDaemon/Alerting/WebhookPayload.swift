import SoakModel
import Foundation

/// The body of a generic webhook request, shaped like Alertmanager's webhook payload (version "4")
/// so receivers written for Alertmanager read it unchanged.
///
/// Each request carries one alert — one notification about one episode — so the group fields
/// describe that alert: `groupKey` names the episode, `commonLabels`/`commonAnnotations` are its
/// own, `groupLabels` is `{alertname}`.
public struct WebhookPayload: Codable, Sendable, Hashable {
    /// One alert, as in Alertmanager's webhook `alerts` array.
    public struct Alert: Codable, Sendable, Hashable {
        public var status: AlertState
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: Date
        /// The episode's end when resolved; Alertmanager's zero time `0001-01-01T00:00:00Z` while firing.
        public var endsAt: String
        public var generatorURL: String
        /// The episode's dedupe key: stable across re-sends and restarts.
        public var fingerprint: String
    }

    public var version: String
    public var groupKey: String
    public var truncatedAlerts: Int
    public var status: AlertState
    public var receiver: String
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    public var alerts: [Alert]

    /// Alertmanager writes Go's zero time for an alert that has not ended.
    static let zeroTime = "0001-01-01T00:00:00Z"

    /// The payload for `notification` sent to the receiver named `receiver`.
    public init(notification: AlertNotification, receiver: String, externalURL: String) {
        let finding = notification.finding
        let labels = AlertRendering.labels(for: finding)
        let annotations = AlertRendering.annotations(for: finding)
        let endsAt = finding.state == .resolved
            ? RFC3339.string(from: finding.resolvedAt ?? notification.createdAt)
            : WebhookPayload.zeroTime
        version = "4"
        groupKey = "{}/{soak=\"leak\"}:{alertname=\"\(AlertRendering.alertName)\", dedupe_key=\"\(finding.dedupeKey)\"}"
        truncatedAlerts = 0
        status = finding.state
        self.receiver = receiver
        groupLabels = ["alertname": AlertRendering.alertName]
        commonLabels = labels
        commonAnnotations = annotations
        self.externalURL = externalURL
        alerts = [Alert(
            status: finding.state, labels: labels, annotations: annotations, startsAt: finding.firstAlertAt,
            endsAt: endsAt, generatorURL: finding.linkURL, fingerprint: finding.dedupeKey)]
    }
}
