import SoakModel

/// What a version comparison found for one matched row, and for the whole comparison.
public enum ComparisonVerdict: String, Sendable, Hashable {
    /// The candidate uses more (level) or grows faster (growth), beyond tolerance and chance.
    case regression
    /// The candidate uses less or grows slower, beyond tolerance and chance.
    case improvement
    /// No difference beyond tolerance and chance.
    case noChange = "no-change"
    /// Nothing could be judged: too short, too few points, gaps, or one side missing.
    case inconclusive
}

/// Which aspect of a row regressed; `soak compare --fail-on` chooses which trip the gate.
public enum RegressionAspect: String, Sendable, Hashable, CaseIterable {
    /// The level after warm-up.
    case level
    /// The growth rate.
    case growth
}

/// Level after warm-up, both sides, and the Hodges–Lehmann shift candidate − baseline.
public struct LevelComparison: Sendable, Hashable {
    /// Median bucket level of the baseline after warm-up.
    public var baselineMedian: Double
    /// Median bucket level of the candidate after warm-up.
    public var candidateMedian: Double
    /// Hodges–Lehmann shift: the median of all candidate − baseline level differences.
    public var shift: Double
    /// Confidence interval of ``shift``, widened for serial correlation.
    public var shiftInterval: ClosedRange<Double>
    /// candidateMedian / baselineMedian (nil when the baseline median is 0).
    public var ratio: Double?
}

/// Growth per hour, both sides, and their difference.
public struct GrowthComparison: Sendable, Hashable {
    /// Robust (blocked Theil–Sen) slope of the baseline's levels, units per hour.
    public var baselinePerHour: Double
    /// Confidence interval of ``baselinePerHour``, widened for serial correlation.
    public var baselineInterval: ClosedRange<Double>
    /// Robust slope of the candidate's levels, units per hour.
    public var candidatePerHour: Double
    /// Confidence interval of ``candidatePerHour``.
    public var candidateInterval: ClosedRange<Double>
    /// candidatePerHour − baselinePerHour.
    public var differencePerHour: Double
    /// Confidence interval of the difference.
    public var differenceInterval: ClosedRange<Double>
}

/// A pair of per-side figures.
public struct SidePair<Value> {
    public var baseline: Value
    public var candidate: Value

    public init(baseline: Value, candidate: Value) {
        self.baseline = baseline
        self.candidate = candidate
    }
}

extension SidePair: Sendable where Value: Sendable {}
extension SidePair: Equatable where Value: Equatable {}
extension SidePair: Hashable where Value: Hashable {}

/// One matched row: a metric and the labels that matched, with every series of each side under it.
public struct ComparisonRow: Sendable {
    /// Metric name.
    public var metric: String
    /// The labels the two sides matched on (ignored labels removed).
    public var labels: [String: String]
    /// What the metric measures.
    public var resource: ResourceKind
    /// The row's verdict.
    public var verdict: ComparisonVerdict
    /// Why: which aspects regressed or improved and by how much, or why nothing could be judged.
    public var reason: String
    /// The aspects that regressed (empty unless ``verdict`` is regression).
    public var regressed: Set<RegressionAspect>
    /// Level comparison; nil when inconclusive.
    public var level: LevelComparison?
    /// Growth comparison; nil when inconclusive.
    public var growth: GrowthComparison?
    /// Restarts per day of observed time (known restarts and value collapses).
    public var restartsPerDay: SidePair<Double>
    /// Hours until the growth reaches the limit, per side; nil without a limit or growth.
    public var hoursToExhaustion: SidePair<Double?>
    /// Series of each side in the row's group.
    public var seriesCount: SidePair<Int>
}

/// The time span, versions and series count of one side.
public struct ComparedRunSummary: Sendable, Hashable {
    /// First sample, ms since the epoch (nil without samples).
    public var fromMs: Int64?
    /// Last sample, ms since the epoch.
    public var toMs: Int64?
    /// Versions the series ran, sorted.
    public var versions: [String]
    /// Series compared.
    public var seriesCount: Int
}

/// The whole comparison: both sides and every row.
public struct VersionComparison: Sendable {
    /// The baseline run.
    public var baseline: ComparedRunSummary
    /// The candidate run.
    public var candidate: ComparedRunSummary
    /// Rows, regressions first, then improvements, no-change, inconclusive; by metric and labels within.
    public var rows: [ComparisonRow]

    /// The rows whose regression trips a gate on `aspects`.
    public func trippingRows(on aspects: Set<RegressionAspect>) -> [ComparisonRow] {
        rows.filter { !$0.regressed.isDisjoint(with: aspects) }
    }

    /// The overall verdict for a gate on `aspects`: regression when a row trips it; inconclusive
    /// when every row is; improvement when some row improved; no-change otherwise.
    public func verdict(gatingOn aspects: Set<RegressionAspect>) -> ComparisonVerdict {
        if !trippingRows(on: aspects).isEmpty { return .regression }
        if rows.allSatisfy({ $0.verdict == .inconclusive }) { return .inconclusive }
        if rows.contains(where: { $0.verdict == .improvement }) { return .improvement }
        return .noChange
    }
}
