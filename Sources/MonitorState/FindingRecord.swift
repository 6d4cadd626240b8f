import SoakModel

/// One leak episode of one series as the store keeps it: identity, lifecycle times and the
/// numbers of the latest assessment. The daemon reads the open ones back on start so a restart
/// neither forgets a leak nor announces it again.
public struct FindingRecord: Sendable, Hashable {
    /// Assigned on insert (0 before), never reused: the finding's link names it.
    public var id: Int64
    /// The series, without the `version` label (that is ``version``).
    public var series: SeriesKey
    /// What the series measures (the `resource` column holds its raw value).
    public var resource: ResourceKind
    /// Whether the episode is ongoing (the `state` column holds its raw value).
    public var state: AlertState
    public var onsetMs: Int64
    public var firstAlertMs: Int64
    public var resolvedMs: Int64?
    /// When the latest assessment below was made.
    public var judgedMs: Int64
    public var slopePerHour: Double
    public var growthPercentPerHour: Double
    public var leastSquaresSlopePerHour: Double
    public var confidence: Double
    /// Projected exhaustion of the limit, when one is known.
    public var exhaustionMs: Int64?
    /// The component's version when the episode started (from its build-info metric).
    public var version: String?
    /// The episode's identity as receivers see it.
    public var dedupeKey: String
    /// When a notification about it was last enqueued (the resend clock).
    public var lastNotifiedMs: Int64

    public init(id: Int64 = 0, series: SeriesKey, resource: ResourceKind, state: AlertState, onsetMs: Int64, firstAlertMs: Int64,
                resolvedMs: Int64? = nil, judgedMs: Int64, slopePerHour: Double, growthPercentPerHour: Double,
                leastSquaresSlopePerHour: Double, confidence: Double, exhaustionMs: Int64?, version: String?,
                dedupeKey: String, lastNotifiedMs: Int64) {
        self.id = id
        self.series = series
        self.resource = resource
        self.state = state
        self.onsetMs = onsetMs
        self.firstAlertMs = firstAlertMs
        self.resolvedMs = resolvedMs
        self.judgedMs = judgedMs
        self.slopePerHour = slopePerHour
        self.growthPercentPerHour = growthPercentPerHour
        self.leastSquaresSlopePerHour = leastSquaresSlopePerHour
        self.confidence = confidence
        self.exhaustionMs = exhaustionMs
        self.version = version
        self.dedupeKey = dedupeKey
        self.lastNotifiedMs = lastNotifiedMs
    }
}
