import MonitorState
import SoakModel
import Foundation

/// One tracked series as the HTTP surface shows it: its labels, the detector's state and the
/// evidence behind it (slope, growth, projected exhaustion, confidence, window, episode times).
///
/// A copy made by the pipeline at request time (``MonitorStatusProvider/findingsSnapshot()``),
/// rendered as JSON by `/api/v1/findings` and as the `soak_leak_*` gauges by `/metrics`.
///
/// - warning: ``seriesLabels`` come from scraped targets and are untrusted: every renderer
///   escapes them (JSON encoding; the exposition format's label escaping).
public struct FindingSnapshot: Sendable, Hashable {
    /// The monitor's identifier for this series' finding; the `{id}` of `/api/v1/findings/{id}`
    /// and the last path element of a ``LeakFinding/linkURL``.
    public var id: String
    /// The series' labels, including `__name__`, `job`, `instance`, and `version` when known.
    public var seriesLabels: [String: String]
    /// Which resource the series measures.
    public var resource: ResourceKind
    /// The detector's state for the series.
    public var state: LeakVerdict
    /// The alert's severity while an episode is open (``LeakVerdict/leak``), else `nil`.
    public var severity: AlertSeverity?
    /// Robust fitted growth in the series' own unit (bytes, fds, goroutines, threads) per hour.
    public var slopePerHour: Double
    /// ``slopePerHour`` relative to the window's level, in percent per hour.
    public var growthPercentPerHour: Double
    /// Hours until the resource's known limit is reached at this slope; `nil` without a limit
    /// or without growth.
    public var hoursToExhaustion: Double?
    /// The detector's one-sided confidence that the series rises, 0...1.
    public var confidence: Double
    /// Start of the window the last judgement used.
    public var windowStart: Date?
    /// Length of that window in seconds (0 before the first judgement).
    public var windowSeconds: Double
    /// When the detector last judged the series; `nil` before the first judgement.
    public var judgedAt: Date?
    /// Estimated start of the current (or last) episode; `nil` when the series never trended.
    public var onsetAt: Date?
    /// When the first notification for the episode was decided; `nil` before a leak.
    public var firstAlertAt: Date?
    /// When the episode ended; set when ``state`` is ``LeakVerdict/resolved``.
    public var resolvedAt: Date?
    /// The episode's identity (``LeakFinding/episodeKey(seriesLabels:onsetAt:)``), derived from
    /// the labels and the onset so the API and the alerts cannot disagree; `nil` without onset.
    public var dedupeKey: String?
    /// Documents fetched from the target when the episode began (profiles), oldest first.
    public var evidence: [EvidenceSnapshot] = []
    /// Each captured profile diffed against the target's baseline from before the onset (the
    /// stacks that grew); empty until the evidence is captured and diffed.
    public var rootCause: [EvidenceRootCause] = []

    /// Makes a snapshot; ``dedupeKey`` is derived from `seriesLabels` and `onsetAt`.
    public init(
        id: String,
        seriesLabels: [String: String],
        resource: ResourceKind,
        state: LeakVerdict,
        severity: AlertSeverity? = nil,
        slopePerHour: Double,
        growthPercentPerHour: Double,
        hoursToExhaustion: Double?,
        confidence: Double,
        windowStart: Date? = nil,
        windowSeconds: Double = 0,
        judgedAt: Date? = nil,
        onsetAt: Date? = nil,
        firstAlertAt: Date? = nil,
        resolvedAt: Date? = nil
    ) {
        self.id = id
        self.seriesLabels = seriesLabels
        self.resource = resource
        self.state = state
        self.severity = severity
        self.slopePerHour = slopePerHour
        self.growthPercentPerHour = growthPercentPerHour
        self.hoursToExhaustion = hoursToExhaustion
        self.confidence = confidence
        self.windowStart = windowStart
        self.windowSeconds = windowSeconds
        self.judgedAt = judgedAt
        self.onsetAt = onsetAt
        self.firstAlertAt = firstAlertAt
        self.resolvedAt = resolvedAt
        self.dedupeKey = onsetAt.map { LeakFinding.episodeKey(seriesLabels: seriesLabels, onsetAt: $0) }
    }

    /// The snapshot of an alert episode: state `leak` while firing, `resolved` after.
    ///
    /// `windowSeconds` and `judgedAt` are not part of a ``LeakFinding``; pass them when known.
    public init(finding: LeakFinding, windowStart: Date? = nil, windowSeconds: Double = 0, judgedAt: Date? = nil) {
        self.init(
            id: finding.findingID,
            seriesLabels: finding.seriesLabels,
            resource: finding.resource,
            state: finding.state == .firing ? .leak : .resolved,
            severity: finding.state == .firing ? finding.severity : nil,
            slopePerHour: finding.slopePerHour,
            growthPercentPerHour: finding.growthPercentPerHour,
            hoursToExhaustion: finding.hoursToExhaustion,
            confidence: finding.confidence,
            windowStart: windowStart,
            windowSeconds: windowSeconds,
            judgedAt: judgedAt,
            onsetAt: finding.onsetAt,
            firstAlertAt: finding.firstAlertAt,
            resolvedAt: finding.resolvedAt
        )
    }

    /// The metric name (`__name__`), or `""` when the labels lack it.
    public var metricName: String { seriesLabels["__name__"] ?? "" }
}
