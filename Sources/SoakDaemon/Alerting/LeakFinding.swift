import SoakModel
import Foundation

/// What a notification says about one leak episode: which series, how fast it grows, how soon
/// the resource runs out, and when the episode started and ended.
///
/// A finding is the hand-off from the detector to the alert hooks. It is a plain value so it can
/// be serialised into the outbox and delivered after a restart exactly as it was decided.
/// Its ``dedupeKey`` names the *episode*, not the notification: every re-send, refresh and the
/// final resolve of one episode carry the same key, so receivers never see a restart's re-send as
/// a new leak.
public struct LeakFinding: Codable, Sendable, Hashable {
    /// The series' labels, including `__name__`, `job`, `instance`, and `version` when known.
    public var seriesLabels: [String: String]
    /// Which resource leaks.
    public var resource: ResourceKind
    /// Ongoing or over.
    public var state: AlertState
    /// Critical when exhaustion is projected within the configured horizon.
    public var severity: AlertSeverity
    /// Fitted growth in the series' own unit (bytes, fds, goroutines, threads) per hour.
    public var slopePerHour: Double
    /// Growth relative to the fitted level at the window's start, in percent per hour.
    public var growthPercentPerHour: Double
    /// Hours until the resource's limit is reached at this slope; `nil` when no limit is known.
    public var hoursToExhaustion: Double?
    /// The detector's confidence in the trend, 0...1.
    public var confidence: Double
    /// When the episode started (the start of the detector's evidence), part of its identity.
    public var onsetAt: Date
    /// When the first notification for this episode was decided.
    public var firstAlertAt: Date
    /// When the episode ended; set exactly when `state == .resolved`.
    public var resolvedAt: Date?
    /// The monitor's identifier for this finding, used in ``linkURL``.
    public var findingID: String
    /// `<external_url>/api/v1/findings/<id>`: where a human reads the evidence.
    public var linkURL: String
    /// The episode's identity: ``LeakFinding/episodeKey(seriesLabels:onsetAt:)``.
    public var dedupeKey: String

    /// Makes a finding; the ``dedupeKey`` and ``linkURL`` are derived so callers cannot make them
    /// disagree with the labels and the onset.
    public init(
        seriesLabels: [String: String],
        resource: ResourceKind,
        state: AlertState,
        severity: AlertSeverity,
        slopePerHour: Double,
        growthPercentPerHour: Double,
        hoursToExhaustion: Double?,
        confidence: Double,
        onsetAt: Date,
        firstAlertAt: Date,
        resolvedAt: Date? = nil,
        findingID: String,
        externalURL: String
    ) {
        self.seriesLabels = seriesLabels
        self.resource = resource
        self.state = state
        self.severity = severity
        self.slopePerHour = slopePerHour
        self.growthPercentPerHour = growthPercentPerHour
        self.hoursToExhaustion = hoursToExhaustion
        self.confidence = confidence
        self.onsetAt = onsetAt
        self.firstAlertAt = firstAlertAt
        self.resolvedAt = resolvedAt
        self.findingID = findingID
        self.linkURL = LeakFinding.link(externalURL: externalURL, findingID: findingID)
        self.dedupeKey = LeakFinding.episodeKey(seriesLabels: seriesLabels, onsetAt: onsetAt)
    }

    /// The metric name (`__name__`), or `""` when the labels lack it.
    public var metricName: String { seriesLabels["__name__"] ?? "" }

    /// The series in PromQL selector form, labels sorted: `name{a="1",b="2"}`.
    public var seriesSelector: String {
        let inner = seriesLabels.filter { $0.key != "__name__" }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\"\(LeakFinding.escapeLabelValue($0.value))\"" }
            .joined(separator: ",")
        return "\(metricName){\(inner)}"
    }

    /// The same episode, resolved at `time`: state, resolve time, and nothing else change.
    public func resolved(at time: Date) -> LeakFinding {
        var copy = self
        copy.state = .resolved
        copy.resolvedAt = time
        return copy
    }

    /// `<external_url>/api/v1/findings/<id>` with exactly one slash between the parts.
    static func link(externalURL: String, findingID: String) -> String {
        var base = externalURL
        while base.hasSuffix("/") { base.removeLast() }
        let id = findingID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? findingID
        return "\(base)/api/v1/findings/\(id)"
    }

    /// Escapes a label value as the exposition format does (backslash, quote, newline).
    static func escapeLabelValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
