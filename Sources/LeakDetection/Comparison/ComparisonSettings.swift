import SoakModel

/// Thresholds and time constants of a version comparison (`soak compare`).
///
/// Buckets, warm-up, gaps and restarts come from the leak detector's ``DetectorConfiguration``, so
/// a run is cut into segments and warm-ups exactly as the detector cuts it. The tolerances say how
/// large a difference must be to matter; the confidence says how sure the statistics must be.
public struct ComparisonSettings: Sendable {
    /// Bucket width, warm-up, gap and collapse rules, saturation check, variance-inflation cap.
    public var detector: DetectorConfiguration
    /// Labels ignored when series of the two sides are matched: what differs between two runs of
    /// the same component (`instance`, `pod`, `node`, `version`) plus any the operator adds.
    public var ignoredLabels: Set<String> = ComparisonSettings.defaultIgnoredLabels
    /// A level shift smaller than this percentage of the baseline median is no change (10 %: a
    /// garbage collector's target, an allocator's arena size, move the level by a few percent
    /// between identical builds).
    public var levelTolerancePercent: Double = 10
    /// A growth difference smaller than this (percent of the baseline median per hour) is no
    /// change: the detector's own floor (400 h to double, beyond any soak run); the interval must
    /// also exclude zero, which is what keeps identical processes apart.
    public var growthTolerancePercentPerHour: Double = 0.25
    /// Two-sided confidence of every interval (0.95).
    public var confidence: Double = 0.95
    /// Which metric names are compared and as which resource.
    public var classifier = ResourceClassifier()
    /// Also compare series the classifier does not know (as ``ResourceKind/other``).
    public var includesUnclassified = false

    /// The labels ignored by default when matching.
    public static let defaultIgnoredLabels: Set<String> = ["instance", "pod", "node", "version"]

    /// Defaults for runs of hours to days at 15–60 s scrapes.
    public init(detector: DetectorConfiguration = .init()) {
        self.detector = detector
    }

    /// Runs recorded on a compressed time scale (1–2 s scrapes, minutes standing for hours): the
    /// detector's ``DetectorConfiguration/timeCompressed`` time constants, and the growth
    /// tolerance per compressed hour (a minute) multiplied by 60 like the detector's thresholds.
    public static var timeCompressed: ComparisonSettings {
        var settings = ComparisonSettings(detector: .timeCompressed)
        settings.growthTolerancePercentPerHour *= 60
        return settings
    }

    /// The z of the two-sided ``confidence`` interval (1.96 at 95 %).
    var intervalZ: Double { ElementaryMath.normalQuantile(0.5 + confidence / 2) }
    /// The shortest stretch after warm-up that can be judged: the detector's minimum window.
    var minimumJudgedSeconds: Double { Double(detector.minimumJudgedBuckets) * detector.bucketSeconds }
}
