/// Every window and threshold of the leak detector, with defaults tuned for 15–60 s scrapes
/// watched over days. ``timeCompressed`` scales the time constants by 1/60 for 1-s scrapes.
///
/// How the pieces fit (see docs/detection.md): samples fall into buckets of ``bucketSeconds``;
/// each closed bucket contributes its level — the minimum (the post-GC floor) for memory under a
/// sawtooth, the mean otherwise — to a ring of ``windowBuckets``; at every bucket close the level
/// is tested for a monotone trend (Mann–Kendall, corrected for serial correlation unless the
/// noise is white), its slope is estimated robustly (Theil–Sen), and the trend must still be
/// rising in the recent part of the window and must not be explained better by a single step or
/// a levelling-off curve. ``confirmBuckets`` consecutive positive judgements make a leak. Growth
/// slow enough to be a daily load cycle must also show as a rise from one cycle period to the next.
public struct DetectorConfiguration: Sendable, Hashable {
    /// Width of a bucket. 5 min holds 5–20 scrapes and, for collectors that run every few
    /// minutes, a GC trough, so the bucket minimum is a post-GC floor. Smaller buckets give the
    /// rank test more points early on (a 12-point Mann–Kendall can reach z = 3; a 6-point cannot).
    public var bucketSeconds: Double = 300
    /// Buckets in the long window the trend is judged on (48 × 5 min = 4 h): long enough for a
    /// 1 %/h leak to rise clear of typical noise, short enough that a leak is seen within hours,
    /// small enough that a series' state stays under 4 KiB.
    public var windowBuckets: Int = 48
    /// Buckets in the short least-squares window reported beside the long one (12 = 1 h).
    public var shortWindowBuckets: Int = 12
    /// Closed buckets a segment needs before any judgement (12 = 1 h of floor).
    public var minimumJudgedBuckets: Int = 12
    /// Time after a segment starts during which nothing is judged: process warm-up, cache fill.
    /// The data is still used as context later, which is how warm-up is recognised as decelerating.
    public var warmUpSeconds: Double = 3600
    /// Growth faster than this (percent per hour) in a segment younger than
    /// ``fastGrowthWarmUpSeconds`` is taken for warm-up, not a leak: caches and pools fill at
    /// tens of percent per hour and then stop, while a leak that fast would still be growing
    /// when the longer warm-up ends, and is alerted then.
    public var fastWarmUpGrowthPercentPerHour: Double = 15
    /// How long after a segment start fast growth is presumed to be warm-up (3 h).
    public var fastGrowthWarmUpSeconds: Double = 3 * 3600
    /// A silence longer than this starts a new segment (5 min = 5–20 missed scrapes).
    public var scrapeGapSeconds: Double = 300
    /// A value below this fraction of the last bucket floor is a collapse (restart, counter reset)
    /// and starts a new segment. A GC never takes the heap below its own floor.
    public var collapseFraction: Double = 0.5
    /// Mann–Kendall z (after tie and serial-correlation correction) for a suspect trend.
    public var suspectZ: Double = 2.0
    /// Mann–Kendall z for a leak candidate (2.75 ≈ one-sided p 0.003 per judgement; with two
    /// consecutive judgements required, as strict as 2.5 with three and 5 min sooner).
    public var leakZ: Double = 2.75
    /// Mann–Kendall z for a leak candidate found only in the recent half of the window. That
    /// half is a second look at the same data, there for growth that began inside the window
    /// (a late onset shows there long before it does over the whole window), so it must make
    /// a stronger case: z 3 is one-sided p 0.0013, under half of `leakZ`'s 0.003.
    public var recentLeakZ: Double = 3.0
    /// Robust floor growth below this (percent of the level per hour) is never a leak: at
    /// 0.25 %/h a process needs 400 h to double, beyond any soak run.
    public var minimumGrowthPercentPerHour: Double = 0.25
    /// The robust slope of the most recent third of the window must be at least this fraction of
    /// the whole window's. 0 means "still rising": the slope of a third of the window is too noisy
    /// to say more (0.75 cost fd leaks ~20 min), and slowing growth is left to
    /// ``decelerationZ`` and ``saturationDominance``, which use every point.
    public var continuationRatio: Double = 0
    /// The trend is a single step when the best one-split mean-shift model leaves less than this
    /// fraction of the straight line's residual sum of squares.
    public var stepDominance: Double = 0.5
    /// The trend is a warm-up levelling off when the best saturating exponential (time constants
    /// ¼–3 × `warmUpSeconds`) leaves less than this fraction of the straight line's residual sum
    /// of squares. 0 disables the check.
    public var saturationDominance: Double = 0.5
    /// The longest warm-up time constant τ a healthy component may have. Growth that a curve
    /// levelling off with τ up to this still explains as well as a line is not called a leak yet:
    /// the verdict waits (suspect, with ``LeakAssessment/possibleWarmUpTimeConstantSeconds``) until
    /// the window or the segment's hourly floors rule the warm-up out (``WarmUpJudgement``).
    /// 9 h: a quarter of the 36-h corpus run, the longest warm-up its labels call healthy. Fast
    /// leaks are told apart within the window; slow leaks from a process start wait for hours of
    /// history. 0 disables the judgement.
    public var maximumWarmUpTimeConstantSeconds: Double = 9 * 3600
    /// The χ²₁ value the curve's excess residual must reach to rule the warm-up out: 6.63 is
    /// p 0.01 per judgement for a warm-up at the longest τ (derived, not tuned).
    public var warmUpRejectionChiSquare: Double = 6.63
    /// Consecutive positive judgements (bucket closes) that turn a suspect into a leak.
    public var confirmBuckets: Int = 2
    /// Consecutive negative judgements that resolve a leak.
    public var resolveBuckets: Int = 6
    /// Estimate the floor's lag-1 autocorrelation ρ (which inflates the Mann–Kendall variance
    /// and the slope's standard error) from its first differences, as an AR(1) process:
    /// ρ = 1 + 2·corr(Δxₜ, Δxₜ₋₁), clamped to [0, 0.99]. A linear trend does not affect the
    /// differences, so a wandering (Ornstein–Uhlenbeck-like) floor is seen to be persistent even
    /// when its excursion looks like a trend; white noise around a leak gives ρ ≈ 0. When false,
    /// ρ is the lag-1 autocorrelation of the floors about their Theil–Sen line, which the fitted
    /// trend biases low (the earlier method: 5 of 8 false alarms were wandering series).
    public var trendInvariantSerialCorrelation: Bool = true
    /// The serial-correlation correction is skipped when the bucket means are evidently white:
    /// their scatter about the straight line is no larger than the scatter of the samples inside
    /// each bucket predicts for a mean of that many samples (a χ² lack-of-fit test, passed unless
    /// its z exceeds this). Estimating ρ from 12–48 points costs a white-noise leak a quarter of
    /// an hour; a wandering or cyclic series fails the test by orders of magnitude and keeps the
    /// correction. Applies only where the judged level is a bucket mean. `.infinity` never
    /// corrects white-looking data; `-.infinity` always corrects (the earlier behaviour).
    public var whiteNoiseZ: Double = 2.33
    /// Bucket-to-bucket differences further than this many robust deviations (1.4826 × MAD)
    /// from their median are clipped before ρ is estimated from them: the few jumps of a
    /// staircase are growth, not persistence of the noise. `.infinity` disables clipping.
    public var differenceClipMADs: Double = 3
    /// Memory is judged on its bucket floors (minima) when a GC sawtooth makes them the steadier
    /// level and on its bucket means when it has none: the minimum of ten samples of plain noise
    /// has three times the variance of their mean. The level whose bucket-to-bucket differences
    /// are smaller wins (differences do not see a linear trend, so the choice does not depend on
    /// whether the series leaks).
    public var chooseMemoryLevel: Bool = true
    /// A judgement of the recent half of the window uses the larger of its own ρ and that of the
    /// older half: persistence is a property of the noise, and a wandering series whose recent
    /// half happens to look steady is still wandering. (The older half rather than the whole
    /// window, because the bend where a late leak begins would read as persistence.)
    public var olderHalfSerialCorrelation: Bool = true
    /// For memory, ρ is the larger of the two levels' (floor and mean) estimates: white noise
    /// hides persistence, and the level not judged may carry less of it.
    public var persistenceFromBothLevels: Bool = true
    /// Where the judged level is a bucket mean, the white noise the samples' own scatter
    /// predicts for it is taken out of the differences before ρ is estimated: that noise pulls
    /// the differences' lag correlation towards −½ and ρ towards 0, which made wandering series
    /// look less persistent than they are. Done only while the persistent part dominates.
    public var removeWhiteNoiseFromPersistence: Bool = true
    /// Growth that is slowing down is not a leak: a parabola through the judged floors whose
    /// quadratic term has t ≤ −`decelerationZ` (its standard error widened for serial
    /// correlation, like the rank test's) fails the judgement. It catches warm-ups with time
    /// constants of 1–1.5 h that the continuation ratio, which uses only the recent third, lets
    /// through. `.infinity` disables it.
    public var decelerationZ: Double = 3
    /// Cap on the serial-correlation variance inflation of Mann–Kendall (n/n* ≤ this).
    public var maximumVarianceInflation: Double = 48
    /// Period of the load cycle the cluster may have (a day). A rise that a cycle of this period
    /// could produce is not a leak until the series has been watched for a full period.
    public var cyclePeriodSeconds: Double = 86400
    /// Largest peak-to-peak swing of that cycle, percent of the level. A sinusoid of swing s and
    /// period P never rises faster than π·s/P, so growth above that rate is not cyclic; slower
    /// growth must show as a rise of more than `cycleSwingPercent` from one period to the next.
    public var cycleSwingPercent: Double = 8

    /// Growth counts as faster than a cycle when the floor slope minus this many standard
    /// errors (widened for serial correlation) is above the fastest cyclic growth.
    public var cycleSlopeErrors: Double = 0.75

    /// The defaults: 15–60 s scrapes over days.
    public init() {}

    /// 1-s scrapes, windows of minutes: every time constant divided by 60 (bucket 5 s,
    /// window 4 min, warm-up 1 min, gap 5 s, cycle 24 min) and every growth threshold in %/h
    /// multiplied by 60. For tests and demos.
    public static var timeCompressed: DetectorConfiguration {
        var configuration = DetectorConfiguration()
        configuration.bucketSeconds = 5
        configuration.warmUpSeconds = 60
        configuration.fastGrowthWarmUpSeconds = 180
        configuration.maximumWarmUpTimeConstantSeconds /= 60
        // Growth rates are per (real) hour: an hour of the compressed clock is a minute.
        configuration.minimumGrowthPercentPerHour *= 60
        configuration.fastWarmUpGrowthPercentPerHour *= 60
        configuration.scrapeGapSeconds = 5
        configuration.cyclePeriodSeconds = 1440
        return configuration
    }

    /// The long window's length in seconds.
    public var windowSeconds: Double { bucketSeconds * Double(windowBuckets) }

    /// Fastest growth a load cycle can cause, percent of the level per hour: π·swing/period.
    public var maximumCyclicGrowthPercentPerHour: Double {
        3.141_592_653_589_793 * cycleSwingPercent / (cyclePeriodSeconds / 3600)
    }
}
