/// Whether a leak episode (one finding) is ongoing or over: what a notification reports and
/// what the `finding.state` and `outbox.alert_state` columns hold (the raw value).
public enum AlertState: String, Codable, Sendable, Hashable, CaseIterable {
    case firing
    case resolved
}
