import SoakModel

/// One series of a compared run cut the way the leak detector cuts it: segments (a restart, a
/// value collapse, a scrape gap or a version change starts a new one) of closed buckets.
struct SeriesSegments {
    /// One segment's closed buckets; times are seconds since `originMs`.
    struct Segment {
        var originMs: Int64
        var startReason: SegmentBreak
        var buckets: [BucketSummary]
    }

    var segments: [Segment] = []
    /// Restarts seen: known (`restartTimesMs`) and value collapses.
    var restarts = 0
    /// Time observed, seconds (first to last sample).
    var observedSeconds = 0.0
    var firstMs: Int64?
    var lastMs: Int64?

    /// Cuts `series` into segments with a ``SeriesDetector`` (its segment rules, not a copy of
    /// them) and buckets each segment as the detector does. The last, still open bucket of each
    /// segment is dropped: its floor is the minimum of fewer samples, biased high.
    init(_ series: ComparedSeries, resource: ResourceKind, configuration: DetectorConfiguration) {
        // Only the detector's segment rules are wanted here, not its judgements: a warm-up that
        // never ends keeps it from judging (the rules depend on buckets, gaps and collapses only).
        var segmentRules = configuration
        segmentRules.warmUpSeconds = .infinity
        var detector = SeriesDetector(configuration: segmentRules, resource: resource)
        var starts: [(index: Int, reason: SegmentBreak)] = []
        var nextRestart = 0
        let restartsMs = series.restartTimesMs.sorted()
        let times = series.timestampsMs
        for i in times.indices {
            var knownRestart = false
            while nextRestart < restartsMs.count && restartsMs[nextRestart] <= times[i] {
                if i > 0 && restartsMs[nextRestart] > times[i - 1] { knownRestart = true }
                nextRestart += 1
            }
            if knownRestart { detector.beginSegment(reason: .restart) }
            if case .segmentStarted(let reason, _)? = detector.observe(timestampMs: times[i], value: series.values[i]) {
                starts.append((i, reason))
                if reason == .restart || reason == .valueCollapse { restarts += 1 }
            }
        }
        let bucketMs = Int64((configuration.bucketSeconds * 1000).rounded())
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1].index : times.count
            segments.append(Self.bucketed(times: times, values: series.values, range: start.index..<end,
                                          reason: start.reason, bucketMs: bucketMs, usesFloor: resource == .memory || resource == .other))
        }
        firstMs = times.first
        lastMs = times.last
        if let first = times.first, let last = times.last { observedSeconds = Double(last - first) / 1000 }
    }

    private static func bucketed(times: [Int64], values: [Double], range: Range<Int>, reason: SegmentBreak,
                                 bucketMs: Int64, usesFloor: Bool) -> Segment {
        let origin = times[range.lowerBound]
        var segment = Segment(originMs: origin, startReason: reason, buckets: [])
        var moments = TrendMoments()
        var floor = Double.infinity
        var firstTime = 0.0
        var index: Int64 = 0
        for i in range where values[i].isFinite {
            let bucket = (times[i] - origin) / bucketMs
            if bucket != index && moments.count > 0 {
                segment.buckets.append(BucketSummary(moments: moments, floorValue: usesFloor ? floor : moments.meanValue,
                                                     firstTime: firstTime))
                moments = TrendMoments()
                floor = .infinity
            }
            index = bucket
            let time = Double(times[i] - origin) / 1000
            if moments.count == 0 { firstTime = time }
            moments.add(time: time, value: values[i])
            floor = min(floor, values[i])
        }
        return segment
    }
}

/// The judged levels of one segment after its warm-up: a block of the blocked statistics (pairs
/// are only formed within a block, so no slope or rank straddles a restart or a gap).
struct LevelBlock {
    /// Bucket centre times, seconds since the segment origin.
    var times: [Double]
    /// Bucket levels (floors or means).
    var levels: [Double]
    /// AR(1) persistence of the levels (from first differences).
    var rho: Double
    /// Variance inflation n/n* for that persistence (capped).
    var inflation: Double
}

extension SeriesSegments.Segment {
    /// Seconds after the segment's start that are warm-up, found as the detector finds it: the
    /// configured warm-up at least; longer when a levelling-off exponential explains the levels
    /// much better than a line (then two time constants, 86 % of the approach, capped at the
    /// fast-growth warm-up). The detector's other warm-up rule — fast growth in the first hours
    /// is presumed warm-up — is not used: in a comparison a fast leak is the finding, and it
    /// would cut the other side's run short too (the row's warm-up is the longest of both).
    /// A segment that began at a scrape gap continues a warm process and has no warm-up.
    func warmUpSeconds(means: Bool, configuration: DetectorConfiguration) -> Double {
        guard !startsWarm else { return 0 }
        var end = configuration.warmUpSeconds
        let times = buckets.map(\.time)
        let levels = buckets.map { $0.level(means: means) }
        var line = TrendMoments()
        for i in times.indices { line.add(time: times[i], value: levels[i]) }
        let tau = times.withUnsafeBufferPointer { t in
            levels.withUnsafeBufferPointer { v in
                SaturationFit.levellingOffTimeConstant(
                    times: t, levels: v, warmUpSeconds: configuration.warmUpSeconds, lineSSE: line.residualSumOfSquares,
                    dominance: configuration.saturationDominance, best: true)
            }
        }
        if let tau { end = max(end, min(2 * tau, configuration.fastGrowthWarmUpSeconds)) }
        return end
    }

    /// True when the segment starts a process (or a version) afresh and so has a warm-up.
    var startsWarm: Bool { startReason == .scrapeGap || startReason == .timeWentBackwards }

    /// The levels after `warmUp` seconds (the row's warm-up when the segment starts cold, else 0)
    /// as a block, or nil when fewer than two remain.
    func block(means: Bool, warmUp rowWarmUp: Double, configuration: DetectorConfiguration) -> LevelBlock? {
        let warmUp = startsWarm ? 0 : rowWarmUp
        let kept = buckets.filter { $0.firstTime >= warmUp }
        guard kept.count >= 2 else { return nil }
        let levels = kept.map { $0.level(means: means) }
        let rho = LevelPersistence.rho(levels: levels, clipMADs: configuration.differenceClipMADs)
        let inflation = min(configuration.maximumVarianceInflation,
                            MannKendall.serialCorrelationInflation(rho: rho, count: levels.count))
        return LevelBlock(times: kept.map(\.time), levels: levels, rho: rho, inflation: inflation)
    }
}
