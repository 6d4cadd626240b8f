import SoakModel

/// The evidence behind a verdict, as of one bucket close.
public struct LeakAssessment: Sendable, Hashable {
    /// When the judgement was made (the first sample of the next bucket), ms since the epoch.
    public var judgedAtMs: Int64
    /// Robust (Theil–Sen) slope of the bucket floors, value units per hour.
    public var slopePerHour: Double
    /// ``slopePerHour`` as a percentage of the window's mean level.
    public var growthPercentPerHour: Double
    /// Least-squares slope over all samples of the long window, units per hour.
    public var leastSquaresSlopePerHour: Double
    /// Mann–Kendall z after tie and serial-correlation correction.
    public var trendZ: Double
    /// One-sided confidence that the floor rises: Φ(trendZ), in [0, 1].
    public var confidence: Double
    /// Robust slope of the recent third of the window divided by the whole window's.
    public var continuationRatio: Double
    /// Start of the window the judgement used, ms since the epoch.
    public var windowStartMs: Int64
    /// Length of that window in seconds.
    public var windowSeconds: Double
    /// Estimated onset: the start of the window when this episode's first positive judgement was made.
    public var onsetMs: Int64
    /// When the fitted trend reaches the known limit, ms since the epoch; nil without a limit or growth.
    public var projectedExhaustionMs: Int64?
    /// The waiting warm-up's τ in whole seconds (capped at 65,534 s, 18 h), 65,535 when the
    /// judgement did not wait. Two bytes after the optional above sit in its padding: the
    /// assessment, held by every series, does not grow.
    var waitedForWarmUpSeconds: UInt16 = .max

    /// Set when the judgement waited instead of calling a leak: a warm-up levelling off with this
    /// time constant (seconds) still explains the growth as well as a leak does, and the data
    /// cannot yet tell the two apart (see ``DetectorConfiguration/maximumWarmUpTimeConstantSeconds``).
    public var possibleWarmUpTimeConstantSeconds: Double? {
        get { waitedForWarmUpSeconds == .max ? nil : Double(waitedForWarmUpSeconds) }
        set { waitedForWarmUpSeconds = newValue.map { UInt16(min(65_534, max(0, $0.rounded()))) } ?? .max }
    }
}

/// What one sample's arrival changed. At most one event per sample; nil means nothing changed.
///
/// `indirect` keeps the enum one pointer wide: the per-sample path returns nil by the million,
/// and a 250-byte optional would be copied each time. Events are rare; their box is not.
public indirect enum DetectorEvent: Sendable {
    /// A new segment started; `closed` summarises the one that ended (nil for the first).
    case segmentStarted(SegmentBreak, closed: SegmentSummary?)
    /// A significant trend appeared (ok/resolved → suspect).
    case suspected(LeakAssessment)
    /// The leak alert: raised exactly once per episode, on entering ``LeakVerdict/leak``.
    case leakAlert(LeakAssessment)
    /// A leak stopped growing.
    case resolved(LeakAssessment)
    /// A suspect trend faded without becoming a leak.
    case cleared
}

/// Summary statistics of one segment, kept so trends can be compared between versions.
public struct SegmentSummary: Sendable, Hashable {
    /// Version label the caller attached when the segment started.
    public var version: String?
    /// Why the segment started.
    public var startReason: SegmentBreak
    /// First sample time, ms since the epoch.
    public var startMs: Int64
    /// Last sample time, ms since the epoch.
    public var endMs: Int64
    /// Samples in the segment.
    public var sampleCount: Int
    /// Least-squares slope over the segment's last long window (units per hour), nil if too short.
    public var slopePerHour: Double?
    /// Half-width of the 95 % confidence interval of ``slopePerHour`` (independent residuals).
    public var slopeConfidenceHalfWidthPerHour: Double?
    /// Theil–Sen slope of the bucket floors in the last window (units per hour), nil if too short.
    public var robustSlopePerHour: Double?
    /// Mean value over the last long window.
    public var meanLevel: Double?
    /// The verdict the segment ended with (or has now).
    public var verdict: LeakVerdict
}
