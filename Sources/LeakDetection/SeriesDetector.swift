import SoakModel

/// The streaming leak detector of one series: feed it every sample in time order with
/// ``observe(timestampMs:value:)``; it answers with an event when something changed.
///
/// Per sample it does O(1) work and allocates nothing: a segment check, a Welford update of the
/// open bucket and a running minimum. When a bucket closes (every
/// ``DetectorConfiguration/bucketSeconds``) it updates the windowed least-squares moments by
/// centred add/remove, the Mann–Kendall score in O(window), and — only when that score is
/// significant — the robust slope and shape checks in O(window²) on at most 36 numbers. State is
/// a fixed-size struct plus one ring of closed buckets allocated once (``stateBytes``).
///
/// ```swift
/// var detector = SeriesDetector(configuration: .init(), resource: .memory)
/// for (timestampMs, value) in samples {
///     if case .leakAlert(let evidence)? = detector.observe(timestampMs: timestampMs, value: value) {
///         print("leak: +\(evidence.growthPercentPerHour) %/h since \(evidence.onsetMs)")
///     }
/// }
/// ```
public struct SeriesDetector: Sendable {
    // The fields every sample touches come first, so they share two cache lines: with
    // thousands of series interleaved, the per-sample cost is mostly cache misses.
    private var openMoments = TrendMoments()
    private var openFloor = Double.infinity
    private var openFirstTime = 0.0
    private var lastClosedMinimum = Double.nan
    private var openIndex: Int64 = 0
    private var originMs: Int64 = 0
    private var lastMs: Int64 = 0
    private let bucketMs: Int64
    private let gapMs: Int64
    private let collapseFraction: Double
    private var segmentSampleCount = 0
    private var hasSegment = false
    private let usesFloor: Bool

    /// Windows and thresholds.
    public let configuration: DetectorConfiguration
    /// What the series measures.
    public let resource: ResourceKind
    /// The value the resource cannot exceed (fd limit, memory limit), for exhaustion projection.
    public var limit: Double?
    /// Current verdict.
    public private(set) var verdict: LeakVerdict = .ok
    /// The evidence of the latest judgement that changed the verdict (suspect, leak alert,
    /// resolution). While a leak persists it is not refreshed; ``currentAssessment()`` is.
    public private(set) var lastAssessment: LeakAssessment?

    private var segmentVersion: String?
    private var segmentReason: SegmentBreak = .firstSample
    private var pendingBreak: SegmentBreak?
    private var pendingVersion: String?

    private var ring: BucketRing
    private var longFit = TrendMoments()
    private var shortFit = TrendMoments()
    private var mannKendall = MannKendallWindow()
    /// Mann–Kendall over the recent half of the window: a leak that started inside the window
    /// (late onset) is significant there long before it is over the whole window.
    private var recentMannKendall = MannKendallWindow()
    private let recentBuckets: Int
    private var cycleFloors: CycleFloors
    private var closesSinceRebuild = 0
    /// Sums of squared bucket-to-bucket differences of floors and of means over the ring.
    private var levelDifferences = LevelDifferences()
    private var positiveStreak = 0
    private var negativeStreak = 0
    private var episodeOnsetMs: Int64?

    /// A detector with no samples yet.
    public init(configuration: DetectorConfiguration, resource: ResourceKind = .other, limit: Double? = nil) {
        precondition(configuration.windowBuckets >= 4 && configuration.shortWindowBuckets >= 1)
        precondition(configuration.bucketSeconds > 0)
        self.configuration = configuration
        self.resource = resource
        self.limit = limit
        bucketMs = Int64((configuration.bucketSeconds * 1000).rounded())
        usesFloor = resource == .memory || resource == .other
        gapMs = Int64((configuration.scrapeGapSeconds * 1000).rounded())
        collapseFraction = configuration.collapseFraction
        ring = BucketRing(capacity: configuration.windowBuckets)
        recentBuckets = max(configuration.minimumJudgedBuckets, configuration.windowBuckets / 2)
        cycleFloors = CycleFloors(configuration: configuration)
    }

    // MARK: Per sample

    /// Feeds one sample. Samples must come in time order; a duplicate timestamp is ignored, a
    /// non-finite value (staleness marker) is ignored. Returns what changed, if anything; a
    /// ``DetectorEvent/leakAlert(_:)`` is returned exactly once per leak episode.
    public mutating func observe(timestampMs: Int64, value: Double) -> DetectorEvent? {
        guard value.isFinite else { return nil }
        guard hasSegment else {
            let reason = pendingBreak ?? .firstSample
            startSegment(atMs: timestampMs, reason: reason)
            addToOpenBucket(timestampMs: timestampMs, value: value)
            return .segmentStarted(reason, closed: nil)
        }
        if timestampMs == lastMs { return nil }
        if let reason = segmentBreak(timestampMs: timestampMs, value: value) {
            let closed = closeSegment()
            startSegment(atMs: timestampMs, reason: reason)
            addToOpenBucket(timestampMs: timestampMs, value: value)
            return .segmentStarted(reason, closed: closed)
        }
        var event: DetectorEvent?
        let index = (timestampMs - originMs) / bucketMs
        if index != openIndex {
            event = closeBucket(judgedAtMs: timestampMs)
            openIndex = index
        }
        addToOpenBucket(timestampMs: timestampMs, value: value)
        return event
    }

    /// Ends the current segment because the caller knows something the values do not show:
    /// `process_start_time_seconds` changed (``SegmentBreak/restart``) or a new version was rolled
    /// out (``SegmentBreak/versionChange``). The next sample starts the new segment, labelled
    /// `version` (nil keeps the current label). Returns the summary of the segment that ended.
    /// - warning: Call it only for real discontinuities; every segment restarts warm-up.
    @discardableResult
    public mutating func beginSegment(reason: SegmentBreak, version: String? = nil) -> SegmentSummary? {
        pendingVersion = version ?? segmentVersion
        pendingBreak = reason
        guard hasSegment else { return nil }
        let closed = closeSegment()
        hasSegment = false
        return closed
    }

    @inline(__always)
    private mutating func addToOpenBucket(timestampMs: Int64, value: Double) {
        let time = Double(timestampMs - originMs) / 1000
        if openMoments.count == 0 { openFirstTime = time }
        openMoments.add(time: time, value: value)
        if value < openFloor { openFloor = value }
        lastMs = timestampMs
        segmentSampleCount += 1
    }

    // Inlined so the caller does not copy the whole detector to call a non-mutating method
    // (Swift passes `self` of a large struct from an inout context via a temporary copy).
    @inline(__always)
    private func segmentBreak(timestampMs: Int64, value: Double) -> SegmentBreak? {
        if timestampMs < lastMs { return .timeWentBackwards }
        if timestampMs - lastMs > gapMs { return .scrapeGap }
        let reference = lastClosedMinimum.isNaN ? openFloor : lastClosedMinimum
        if reference > 0, value < collapseFraction * reference { return .valueCollapse }
        return nil
    }

    // MARK: Segments

    private mutating func startSegment(atMs timestampMs: Int64, reason: SegmentBreak) {
        hasSegment = true
        originMs = timestampMs
        lastMs = timestampMs
        segmentReason = reason
        segmentVersion = pendingVersion ?? segmentVersion
        pendingBreak = nil
        pendingVersion = nil
        segmentSampleCount = 0
        openIndex = 0
        openMoments = TrendMoments()
        openFloor = .infinity
        lastClosedMinimum = .nan
        ring.removeAll()
        longFit = TrendMoments()
        shortFit = TrendMoments()
        mannKendall.reset()
        recentMannKendall.reset()
        cycleFloors.removeAll()
        levelDifferences = LevelDifferences()
        closesSinceRebuild = 0
        positiveStreak = 0
        negativeStreak = 0
        episodeOnsetMs = nil
        verdict = .ok
        lastAssessment = nil
    }

    private func closeSegment() -> SegmentSummary {
        currentSegment
    }

    /// Statistics of the current segment (over its last long window), for comparing versions.
    public var currentSegment: SegmentSummary {
        let fit = longWindowFit
        let slope = fit.slopePerSecond.map { $0 * 3600 }
        let halfWidth = fit.slopeStandardError.map { 1.96 * $0 * 3600 }
        return SegmentSummary(
            version: segmentVersion, startReason: segmentReason, startMs: originMs, endMs: lastMs,
            sampleCount: segmentSampleCount, slopePerHour: slope, slopeConfidenceHalfWidthPerHour: halfWidth,
            robustSlopePerHour: robustFloorSlopePerSecond(lastBuckets: ring.count).map { $0 * 3600 },
            meanLevel: fit.count > 0 ? fit.meanValue : nil, verdict: verdict)
    }

    // MARK: Buckets

    private mutating func closeBucket(judgedAtMs: Int64) -> DetectorEvent? {
        // Memory is judged on its post-GC floor (or its mean when it has no sawtooth; see
        // chooseJudgedLevel); counts (fds, goroutines, threads) churn symmetrically, and their
        // bucket mean is the less noisy level.
        let level = usesFloor ? openFloor : openMoments.meanValue
        let bucket = BucketSummary(moments: openMoments, floorValue: level, firstTime: openFirstTime)
        let judged = bucket.level(means: ring.judgesMeans)
        let held = ring.count
        if held >= recentBuckets {
            recentMannKendall.remove(ring.floor(held - recentBuckets), before: ring, from: held - recentBuckets + 1, to: held)
        }
        recentMannKendall.add(judged, after: ring, from: max(0, held - recentBuckets + 1), to: held)
        let full = held == ring.capacity
        if full {
            mannKendall.remove(ring.floor(0), before: ring, from: 1, to: held)
            longFit.unmerge(ring[0].moments)
            levelDifferences.remove(ring[0], ring[1])
        }
        mannKendall.add(judged, after: ring, from: full ? 1 : 0, to: held)
        if held > 0 { levelDifferences.add(ring[held - 1], bucket) }
        _ = ring.append(bucket)
        longFit.merge(bucket.moments)
        shortFit.merge(bucket.moments)
        let short = configuration.shortWindowBuckets
        if ring.count > short { shortFit.unmerge(ring[ring.count - 1 - short].moments) }
        closesSinceRebuild += 1
        if closesSinceRebuild >= ring.capacity { rebuildWindowFits() }
        if usesFloor && configuration.chooseMemoryLevel { chooseJudgedLevel() }
        lastClosedMinimum = openFloor
        cycleFloors.addBucketFloor(bucket.floorValue)
        openMoments = TrendMoments()
        openFloor = .infinity
        return judge(atMs: judgedAtMs)
    }

    /// Judges memory on its bucket means when their bucket-to-bucket differences are smaller than
    /// the floors' (no GC sawtooth: the minimum of plain noise is the noisier level), on its floors
    /// otherwise. A margin of 25 % either way keeps the choice from flickering; a change
    /// recomputes the rank scores over the ring (O(window²), rare).
    private mutating func chooseJudgedLevel() {
        guard ring.count >= 4 else { return }
        let means = levelDifferences.meanSquares
        let floors = levelDifferences.floorSquares
        let wantsMeans = ring.judgesMeans ? means < 1.25 * floors : 1.25 * means < floors
        guard wantsMeans != ring.judgesMeans else { return }
        ring.judgesMeans = wantsMeans
        rebuildRankWindows()
    }

    /// Recomputes both Mann–Kendall windows from the ring's judged levels.
    private mutating func rebuildRankWindows() {
        mannKendall.reset()
        recentMannKendall.reset()
        let n = ring.count
        for i in 0..<n { mannKendall.add(ring.floor(i), after: ring, from: 0, to: i) }
        let start = max(0, n - recentBuckets)
        for i in start..<n { recentMannKendall.add(ring.floor(i), after: ring, from: start, to: i) }
    }

    /// Subtracting merged groups accumulates rounding; once per ring turn the window moments are
    /// recomputed from the buckets, so the error never grows beyond one turn's worth.
    private mutating func rebuildWindowFits() {
        closesSinceRebuild = 0
        longFit = TrendMoments()
        shortFit = TrendMoments()
        levelDifferences = LevelDifferences()
        let shortStart = max(0, ring.count - configuration.shortWindowBuckets)
        for i in 0..<ring.count {
            longFit.merge(ring[i].moments)
            if i >= shortStart { shortFit.merge(ring[i].moments) }
            if i > 0 { levelDifferences.add(ring[i - 1], ring[i]) }
        }
    }

    // MARK: Judgement

    private mutating func judge(atMs timestampMs: Int64) -> DetectorEvent? {
        let n = ring.count
        let ageSeconds = Double(timestampMs - originMs) / 1000
        guard ageSeconds >= configuration.warmUpSeconds, n >= configuration.minimumJudgedBuckets else { return nil }
        var positive = false
        var weak = false
        var evidence: Evidence?
        let rawZ = mannKendall.z(count: n)
        let recentCount = min(n, recentBuckets)
        let recentZ = recentMannKendall.z(count: recentCount)
        if verdict == .leak {
            // A confirmed leak only has to keep rising: the O(1) least-squares growth and the
            // raw rank score decide, and the O(n²) evidence is computed only when it resolves.
            let fit = longWindowFit
            let growth = fit.meanValue > 0 ? (fit.slopePerSecond ?? 0) * 3600 / fit.meanValue * 100 : 0
            weak = max(rawZ, recentZ) >= configuration.suspectZ && growth >= configuration.minimumGrowthPercentPerHour
            positive = weak
        } else {
            // The whole window first; if it does not make the case, the recent half may — unless
            // the whole window levels off: the recent half is there for growth that began inside
            // the window (the window then bends up), not for the tail of a warm-up.
            var wholeLevelsOff = false
            for pass in 0..<2 {
                let buckets = pass == 0 ? n : recentCount
                let z = pass == 0 ? rawZ : recentZ
                guard !positive, z >= configuration.suspectZ else { continue }
                if buckets < n && evidence != nil && z < configuration.recentLeakZ { continue }
                var found = gatherEvidence(atMs: timestampMs, buckets: buckets, rawZ: z)
                // A rise that has already levelled off (a finished warm-up, a cache that filled) is
                // not even suspect: only growth that may still be a leak is.
                let foundWeak = found.assessment.trendZ >= configuration.suspectZ
                    && found.assessment.growthPercentPerHour >= configuration.minimumGrowthPercentPerHour
                    && !found.decelerates && !found.saturates
                let warmingUp = ageSeconds < configuration.fastGrowthWarmUpSeconds
                    && found.assessment.growthPercentPerHour > configuration.fastWarmUpGrowthPercentPerHour
                let required = buckets < n ? configuration.recentLeakZ : configuration.leakZ
                var foundPositive = foundWeak && !warmingUp && found.assessment.trendZ >= required
                    && found.assessment.continuationRatio >= configuration.continuationRatio
                    && !found.isStepLike && !found.mayBeCyclic && found.makesNewHighs && !found.decelerates
                    && !found.saturates && !(buckets < n && wholeLevelsOff)
                if foundPositive, let tau = possibleWarmUp(first: n - buckets, inflation: found.varianceInflation) {
                    // Not a veto: the verdict waits (suspect) and says why, until the data rules
                    // the warm-up out.
                    foundPositive = false
                    found.assessment.possibleWarmUpTimeConstantSeconds = tau
                }
                if pass == 0 { wholeLevelsOff = found.decelerates || found.saturates }
                if evidence == nil || foundPositive || (foundWeak && !weak) { evidence = found }
                weak = weak || foundWeak
                positive = foundPositive
                if buckets == n && n <= recentCount { break }
            }
        }
        switch verdict {
        case .ok, .resolved:
            guard weak, var assessment = evidence?.assessment else { return nil }
            positiveStreak = positive ? 1 : 0
            negativeStreak = 0
            episodeOnsetMs = assessment.windowStartMs
            assessment.onsetMs = assessment.windowStartMs
            lastAssessment = assessment
            if positive && configuration.confirmBuckets <= 1 {
                verdict = .leak
                return .leakAlert(assessment)
            }
            verdict = .suspect
            return .suspected(assessment)
        case .suspect:
            if var assessment = evidence?.assessment, weak {
                assessment.onsetMs = episodeOnsetMs ?? assessment.windowStartMs
                lastAssessment = assessment
                positiveStreak = positive ? positiveStreak + 1 : 0
                if positiveStreak >= configuration.confirmBuckets {
                    verdict = .leak
                    negativeStreak = 0
                    return .leakAlert(assessment)
                }
                return nil
            }
            positiveStreak = 0
            verdict = .ok
            episodeOnsetMs = nil
            return .cleared
        case .leak:
            // Hysteresis: entering needs every check, staying needs only a significant rise.
            if weak {
                negativeStreak = 0
                return nil
            }
            negativeStreak += 1
            guard negativeStreak >= configuration.resolveBuckets else { return nil }
            verdict = .resolved
            var assessment = evidence?.assessment ?? gatherEvidence(atMs: timestampMs, buckets: n, rawZ: rawZ).assessment
            assessment.onsetMs = episodeOnsetMs ?? assessment.windowStartMs
            lastAssessment = assessment
            episodeOnsetMs = nil
            return .resolved(assessment)
        }
    }

    /// An assessment plus the shape facts that are not part of the public evidence.
    struct Evidence {
        var assessment: LeakAssessment
        var isStepLike: Bool
        /// Growth slow enough for a load cycle, without a rise over a full cycle to rule it out.
        var mayBeCyclic: Bool
        /// The latest slot floor is above all slot floors from before the window.
        var makesNewHighs: Bool
        /// Lag-1 autocorrelation of the floors used for the serial-correlation correction.
        var serialCorrelation: Double = 0
        /// The floors' quadratic term is significantly negative: growth that is slowing down.
        var decelerates = false
        /// A curve levelling off (a saturating exponential) explains the floors much better
        /// than a line: a warm-up or cache fill.
        var saturates = false
        /// The judged level is the bucket mean (memory without a sawtooth, or a count).
        var judgedOnMeans = false
        /// The serial-correlation variance inflation n/n* used for the judgement.
        var varianceInflation = 1.0
    }

    /// The time constant of a warm-up that still explains the judged growth as well as a line,
    /// or nil when the data rules every warm-up (τ ≤ the configured longest) out — on the judged
    /// buckets from `first`, or on the segment's hourly floors once it has six. See
    /// ``WarmUpJudgement``.
    func possibleWarmUp(first: Int, inflation: Double) -> Double? {
        let longest = configuration.maximumWarmUpTimeConstantSeconds
        guard longest > 0 else { return nil }
        let threshold = configuration.warmUpRejectionChiSquare
        let window = WarmUpJudgement.compare(count: ring.count - first, longestTimeConstant: longest,
                                             varianceInflation: inflation) { i in
            (ring[first + i].time, ring.floor(first + i))
        }
        guard let window, window.excess <= threshold else { return nil }
        guard cycleFloors.count >= 6 else { return window.timeConstantSeconds }
        let slotSeconds = configuration.cyclePeriodSeconds / Double(CycleFloors.slotsPerCycle)
        let history = WarmUpJudgement.compare(count: cycleFloors.count, longestTimeConstant: longest,
                                              varianceInflation: 1) { i in
            (Double(i) * slotSeconds, cycleFloors.slot(i))
        }
        guard let history, history.excess <= threshold else { return nil }
        return max(window.timeConstantSeconds, history.timeConstantSeconds)
    }

    /// Every check of a judgement made now, for tests of each mechanism (nil before 6 buckets).
    func evidenceNow() -> Evidence? {
        guard hasSegment, ring.count >= 6 else { return nil }
        return gatherEvidence(atMs: lastMs, buckets: ring.count, rawZ: mannKendall.z(count: ring.count))
    }

    /// The current evidence on demand (nil before two buckets have closed). Not on the hot path.
    public func currentAssessment() -> LeakAssessment? {
        guard hasSegment, ring.count >= 2 else { return nil }
        var assessment = gatherEvidence(atMs: lastMs, buckets: ring.count, rawZ: mannKendall.z(count: ring.count)).assessment
        assessment.onsetMs = episodeOnsetMs ?? assessment.windowStartMs
        return assessment
    }

    /// The evidence over the last `buckets` closed buckets; `rawZ` is their Mann–Kendall z.
    private func gatherEvidence(atMs timestampMs: Int64, buckets n: Int, rawZ: Double) -> Evidence {
        let first = ring.count - n
        let slope = robustFloorSlopePerSecond(lastBuckets: n) ?? 0
        let fit = longWindowFit
        let level = fit.meanValue
        let growth = level > 0 ? slope * 3600 / level * 100 : 0

        // Serial correlation of the floor about its robust trend inflates Var(S) (Yue & Wang).
        var meanResidual = 0.0
        for i in first..<ring.count { meanResidual += ring.floor(i) - slope * ring[i].time }
        meanResidual /= Double(n)
        var lagged = 0.0
        var squared = 0.0
        var previous = ring.floor(first) - slope * ring[first].time - meanResidual
        squared += previous * previous
        for i in (first + 1)..<ring.count {
            let residual = ring.floor(i) - slope * ring[i].time - meanResidual
            lagged += residual * previous
            squared += residual * residual
            previous = residual
        }
        // ρ from the detrended floors is biased low on short windows, and a wandering
        // (mean-reverting) floor's excursion is partly absorbed by the fitted trend, so the
        // residuals look less persistent than the process is. The first differences are free of
        // any linear trend and give ρ directly (corr(Δxₜ, Δxₜ₋₁) = −(1 − ρ)/2 for AR(1)).
        var floorLine = TrendMoments()
        for i in first..<ring.count { floorLine.add(time: ring[i].time, value: ring.floor(i)) }
        var rho = configuration.trendInvariantSerialCorrelation
            ? differenceSerialCorrelation(first: first, end: ring.count)
            : (squared > 0 ? lagged / squared : 0)
        if first > 0 && configuration.olderHalfSerialCorrelation && configuration.trendInvariantSerialCorrelation {
            // Persistence is a property of the noise, not of the sub-window: a wandering series
            // whose recent half happens to look steady is still wandering. The older half, not
            // the whole window: the bend where a late leak begins would read as persistence.
            rho = max(rho, differenceSerialCorrelation(first: 0, end: first))
        }
        let inflation = min(configuration.maximumVarianceInflation,
                            MannKendall.serialCorrelationInflation(rho: rho, count: n))
        let z = rawZ / inflation.squareRoot()

        let decelerates = configuration.decelerationZ.isFinite
            && floorDecelerationZ(first: first, inflation: inflation) <= -configuration.decelerationZ
        let recentCount = max(4, n / 3)
        let recentSlope = robustFloorSlopePerSecond(lastBuckets: recentCount) ?? 0
        // Judged on a sub-window, the slope must also keep up with the whole window's: a warm-up
        // that began before the sub-window decelerates across the whole window.
        let wholeSlope = n < ring.count ? robustFloorSlopePerSecond(lastBuckets: ring.count) ?? 0 : slope
        let reference = max(slope, wholeSlope)
        let continuation = reference > 0 ? recentSlope / reference : 0

        let nowSeconds = Double(timestampMs - originMs) / 1000
        var exhaustionMs: Int64?
        if let limit, slope > 0, fit.count >= 2 {
            let current = fit.fittedValue(atTime: nowSeconds)
            let secondsLeft = max(0, (limit - current) / slope)
            if secondsLeft < 1e12 { exhaustionMs = timestampMs + Int64(secondsLeft * 1000) }
        }
        let windowStartMs = originMs + Int64((ring[first].firstTime * 1000).rounded())
        let assessment = LeakAssessment(
            judgedAtMs: timestampMs, slopePerHour: slope * 3600, growthPercentPerHour: growth,
            leastSquaresSlopePerHour: (fit.slopePerSecond ?? 0) * 3600, trendZ: z,
            confidence: ElementaryMath.normalCDF(z), continuationRatio: continuation,
            windowStartMs: windowStartMs, windowSeconds: Double(timestampMs - windowStartMs) / 1000,
            onsetMs: windowStartMs, projectedExhaustionMs: exhaustionMs)
        // "Faster than a cycle" must hold for the lower end of the growth estimate: the floor
        // line's standard error, widened for serial correlation, two of them below the slope.
        let slopeError = (floorLine.slopeStandardError ?? .infinity) * inflation.squareRoot()
        let growthLowerBound = level > 0
            ? (slope - configuration.cycleSlopeErrors * slopeError) * 3600 / level * 100 : 0
        var mayBeCyclic = growthLowerBound < configuration.maximumCyclicGrowthPercentPerHour
        if mayBeCyclic, let rise = cycleFloors.riseOverOneCycle, level > 0,
           rise / level * 100 >= configuration.cycleSwingPercent {
            mayBeCyclic = false
        }
        let slotSeconds = configuration.cyclePeriodSeconds / Double(CycleFloors.slotsPerCycle)
        let windowSlots = Int((Double(n) * configuration.bucketSeconds / slotSeconds).rounded(.up))
        // A rise no larger than a fall the series has already shown may be an excursion that
        // reverts (a wandering series, the rising half of a cycle), not a leak.
        let pastFall = cycleFloors.largestFall
        let exceedsPastFalls = pastFall <= 0 || cycleFloors.riseWithinLatest(windowSlots) > pastFall
        let lineSSE = floorLine.residualSumOfSquares
        return Evidence(assessment: assessment, isStepLike: floorIsStepLike(lastBuckets: n, lineSSE: lineSSE),
                        mayBeCyclic: mayBeCyclic,
                        makesNewHighs: cycleFloors.latestIsAboveOlderSlots(recentSlots: windowSlots) && exceedsPastFalls,
                        serialCorrelation: rho, decelerates: decelerates,
                        saturates: floorIsSaturating(first: first, lineSSE: lineSSE), judgedOnMeans: judgesMeans,
                        varianceInflation: inflation)
    }

    /// ρ of the judged level over buckets first..<end, from first differences (trend-invariant):
    /// 0 when the judged level is a bucket mean and the means pass the white-noise test; white
    /// noise of known variance removed for means; for memory, the larger of the two levels'
    /// estimates (see ``DetectorConfiguration``).
    private func differenceSerialCorrelation(first: Int, end: Int) -> Double {
        let whiteVariance = bucketMeanWhiteVariance(first: first, end: end)
        let meansWhite = bucketMeansLookWhite(line: meanLine(first: first, end: end), count: end - first,
                                              whiteVariance: whiteVariance)
        if judgesMeans && meansWhite { return 0 }
        var rho = differenceLagOneCorrelation(first: first, end: end, whiteVariance: judgesMeans ? whiteVariance : nil)
        guard usesFloor && configuration.persistenceFromBothLevels else { return rho }
        // The level not judged sees the same wandering with different white noise: the floor
        // more, the mean less (or the sawtooth's partial cycles). White noise hides persistence,
        // so the more persistent-looking of the two is the safer estimate.
        if judgesMeans {
            rho = max(rho, differenceLagOneCorrelation(first: first, end: end, otherLevel: true))
        } else if !meansWhite {
            rho = max(rho, differenceLagOneCorrelation(first: first, end: end, otherLevel: true, whiteVariance: whiteVariance))
        }
        return rho
    }

    /// Variance of a bucket mean that white noise alone would give, from the samples' scatter
    /// about each bucket's own line (pooled over first..<end), or nil with too few samples.
    private func bucketMeanWhiteVariance(first: Int, end: Int) -> Double? {
        var within = 0.0
        var freedom = 0.0
        var samples = 0.0
        for i in first..<end {
            let moments = ring[i].moments
            guard moments.count >= 3 else { continue }
            within += moments.residualSumOfSquares
            freedom += moments.count - 2
            samples += moments.count
        }
        let n = Double(end - first)
        guard freedom >= n, n >= 1 else { return nil }
        return within / freedom / (samples / n)
    }

    /// Least-squares moments of the bucket means first..<end.
    private func meanLine(first: Int, end: Int) -> TrendMoments {
        var line = TrendMoments()
        for i in first..<end { line.add(time: ring[i].time, value: ring[i].moments.meanValue) }
        return line
    }

    /// True when `count` bucket means scatter about their least-squares `line` no more than white
    /// noise would: `whiteVariance` (``bucketMeanWhiteVariance(first:end:)``: the within-bucket
    /// residual variance, pooled, divided by the samples per bucket) predicts the variance of a
    /// bucket mean; the lack-of-fit sum Q = RSS/that is χ² with n − 2 degrees of freedom when
    /// the noise is white, and its Wilson–Hilferty z must not exceed
    /// ``DetectorConfiguration/whiteNoiseZ``.
    private func bucketMeansLookWhite(line: TrendMoments, count: Int, whiteVariance: Double?) -> Bool {
        guard configuration.whiteNoiseZ > -.infinity, count >= 4,
              let whiteVariance, whiteVariance > 0 else { return false }
        let k = Double(count - 2)
        let ratio = line.residualSumOfSquares / whiteVariance / k
        guard ratio > 0 else { return true }
        let spread = 2 / (9 * k)
        let z = (ElementaryMath.exp(ElementaryMath.log(ratio) / 3) - (1 - spread)) / spread.squareRoot()
        return z <= configuration.whiteNoiseZ
    }

    /// Lag-1 autocorrelation of an AR(1) floor estimated from its first differences, which no
    /// linear trend affects: for AR(1) with coefficient ρ, corr(Δxₜ, Δxₜ₋₁) = −(1 − ρ)/2.
    private func differenceLagOneCorrelation(first: Int, end: Int, otherLevel: Bool = false,
                                             whiteVariance: Double? = nil) -> Double {
        let n = end - first
        guard n >= 4 else { return 0 }
        let m = n - 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m) { scratch in
            for k in 0..<m {
                scratch[k] = otherLevel
                    ? ring[first + k + 1].level(means: !ring.judgesMeans) - ring[first + k].level(means: !ring.judgesMeans)
                    : ring.floor(first + k + 1) - ring.floor(first + k)
            }
            return LevelPersistence.rho(
                differences: scratch, count: m, clipMADs: configuration.differenceClipMADs,
                whiteVariance: configuration.removeWhiteNoiseFromPersistence ? whiteVariance : nil)
        }
    }

    /// The t statistic of the quadratic term of a least-squares parabola through the floors
    /// from `first` on, its standard error widened by √`inflation` for serial correlation.
    /// Saturating growth (warm-up, cache fill) bends down; a leak is straight.
    func floorDecelerationZ(first: Int, inflation: Double) -> Double {
        let n = ring.count - first
        guard n >= 6 else { return 0 }
        var meanT = 0.0
        var meanY = 0.0
        for i in first..<ring.count { meanT += ring[i].time; meanY += ring.floor(i) }
        meanT /= Double(n)
        meanY /= Double(n)
        var meanQ = 0.0
        for i in first..<ring.count { let u = ring[i].time - meanT; meanQ += u * u }
        meanQ /= Double(n)
        var suu = 0.0, sqq = 0.0, suq = 0.0, suy = 0.0, sqy = 0.0, syy = 0.0
        for i in first..<ring.count {
            let u = ring[i].time - meanT
            let q = u * u - meanQ
            let y = ring.floor(i) - meanY
            suu += u * u; sqq += q * q; suq += u * q; suy += u * y; sqy += q * y; syy += y * y
        }
        let determinant = suu * sqq - suq * suq
        guard determinant > 0 else { return 0 }
        let b1 = (sqq * suy - suq * sqy) / determinant
        let b2 = (suu * sqy - suq * suy) / determinant
        let sse = max(0, syy - b1 * suy - b2 * sqy)
        let variance = sse / Double(n - 3) * suu / determinant * inflation
        guard variance > 0 else { return b2 < 0 ? -.infinity : 0 }
        return b2 / variance.squareRoot()
    }

    /// Theil–Sen slope (per second) of the floors of the most recent `lastBuckets` buckets.
    private func robustFloorSlopePerSecond(lastBuckets: Int) -> Double? {
        let count = min(lastBuckets, ring.count)
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * max(count, 1)) { scratch in
            let times = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
            let floors = UnsafeMutableBufferPointer(rebasing: scratch[count..<(2 * count)])
            ring.copyTail(count, times: times, floors: floors)
            return TheilSen.slope(times: UnsafeBufferPointer(times), values: UnsafeBufferPointer(floors))
        }
    }

    /// True when a curve levelling off, y = a + c·e^(−t/τ) with c < 0, explains the floors from
    /// `first` on much better than a straight line, for one of six time constants from a quarter
    /// of the warm-up to three warm-ups: a cache or pool filling towards its size. An exponential
    /// keeps its shape wherever it is observed, so this needs no knowledge of when filling began.
    /// `lineSSE` is the straight line's residual sum of squares over the same floors.
    private func floorIsSaturating(first: Int, lineSSE: Double) -> Bool {
        let n = ring.count - first
        guard n >= 6, configuration.saturationDominance > 0, lineSSE > 0 else { return false }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { scratch in
            let times = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
            let floors = UnsafeMutableBufferPointer(rebasing: scratch[n..<(2 * n)])
            ring.copyTail(n, times: times, floors: floors)
            return SaturationFit.levellingOffTimeConstant(
                times: UnsafeBufferPointer(times), levels: UnsafeBufferPointer(floors),
                warmUpSeconds: configuration.warmUpSeconds, lineSSE: lineSSE,
                dominance: configuration.saturationDominance) != nil
        }
    }

    /// True when one mean shift explains the floor much better than a straight line: a single
    /// step (a cache enabled, a batch loaded) rather than continuing growth.
    /// `lineSSE` is the straight line's residual sum of squares over the same floors.
    private func floorIsStepLike(lastBuckets n: Int, lineSSE: Double) -> Bool {
        guard n >= 6 else { return false }
        let first = ring.count - n
        // Values relative to the first floor keep the prefix sums of squares well conditioned.
        let base = ring.floor(first)
        var totalSum = 0.0
        var totalSquares = 0.0
        for i in first..<ring.count {
            let v = ring.floor(i) - base
            totalSum += v
            totalSquares += v * v
        }
        var leftSum = 0.0
        var leftSquares = 0.0
        var bestSplitSSE = Double.infinity
        for k in 1..<(n - 1) {
            let v = ring.floor(first + k - 1) - base
            leftSum += v
            leftSquares += v * v
            guard k >= 2, n - k >= 2 else { continue }
            let left = leftSquares - leftSum * leftSum / Double(k)
            let rightSum = totalSum - leftSum
            let right = (totalSquares - leftSquares) - rightSum * rightSum / Double(n - k)
            bestSplitSSE = min(bestSplitSSE, left + right)
        }
        return bestSplitSSE < configuration.stepDominance * lineSSE
    }

    // MARK: Introspection

    /// Least-squares moments of every sample in the long window: the closed buckets in the ring
    /// plus the open bucket. Times are seconds since ``segmentStartMs``.
    public var longWindowFit: TrendMoments {
        var fit = longFit
        fit.merge(openMoments)
        return fit
    }

    /// Least-squares moments of the short window (its closed buckets plus the open one).
    public var shortWindowFit: TrendMoments {
        var fit = shortFit
        fit.merge(openMoments)
        return fit
    }

    /// Time of the first sample inside the long window, ms since the epoch.
    public var longWindowStartMs: Int64 {
        originMs + Int64(((ring.count > 0 ? ring[0].firstTime : openFirstTime) * 1000).rounded())
    }

    /// Start of the current segment, ms since the epoch.
    public var segmentStartMs: Int64 { originMs }

    /// The judged level of the most recently closed bucket of the current segment (its post-GC
    /// floor, or its mean where the detector judges means) at the bucket's centre time, ms since
    /// the epoch; nil before a bucket of this segment closed. ``JudgedLevelReplay`` collects one
    /// per bucket to draw the level the detector judged.
    public var lastClosedBucketLevel: (timestampMs: Int64, level: Double)? {
        guard ring.count > 0 else { return nil }
        let bucket = ring[ring.count - 1]
        return (originMs + Int64((bucket.time * 1000).rounded()), bucket.level(means: ring.judgesMeans))
    }

    /// True when the judged level is the bucket mean: counts always, memory without a sawtooth.
    private var judgesMeans: Bool { !usesFloor || ring.judgesMeans }

    /// Bytes of state this series holds: the struct itself plus the ring's reserved buffer.
    public var stateBytes: Int {
        MemoryLayout<SeriesDetector>.size + ring.reservedBytes + cycleFloors.reservedBytes
    }
}
