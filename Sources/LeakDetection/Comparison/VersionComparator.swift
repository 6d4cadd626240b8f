import SoakModel

/// Compares a baseline run with a candidate run, per component × resource: level after warm-up
/// (Hodges–Lehmann shift), growth (blocked Theil–Sen slopes and their difference), restarts per
/// day and time to exhaustion, each with an interval that survives serial correlation; a verdict
/// per row. Pure: the caller reads the store or the files and passes the series.
///
/// ```swift
/// let result = VersionComparator.compare(baseline: oldSeries, candidate: newSeries,
///                                        settings: .timeCompressed)
/// if result.verdict(gatingOn: [.growth]) == .regression { exit(1) }
/// ```
public enum VersionComparator {
    /// Matches the series of both sides into rows and compares each row.
    public static func compare(baseline: [ComparedSeries], candidate: [ComparedSeries],
                               settings: ComparisonSettings) -> VersionComparison {
        var groups: [RowKey: SidePair<[(ComparedSeries, ResourceKind)]>] = [:]
        var order: [RowKey] = []
        for (side, list) in [(0, baseline), (1, candidate)] {
            for series in list {
                guard let resource = resource(of: series.key.metric, settings: settings) else { continue }
                var labels: [String: String] = [:]
                for label in series.key.labels where !settings.ignoredLabels.contains(label.name) { labels[label.name] = label.value }
                let key = RowKey(metric: series.key.metric, labels: labels)
                if groups[key] == nil {
                    groups[key] = SidePair(baseline: [], candidate: [])
                    order.append(key)
                }
                if side == 0 { groups[key]!.baseline.append((series, resource)) } else { groups[key]!.candidate.append((series, resource)) }
            }
        }
        let rows = order.map { key in
            let group = groups[key]!
            let resource = group.baseline.first?.1 ?? group.candidate.first!.1
            return compareRow(key: key, resource: resource, baseline: group.baseline.map(\.0),
                              candidate: group.candidate.map(\.0), settings: settings)
        }
        let rank: [ComparisonVerdict: Int] = [.regression: 0, .improvement: 1, .noChange: 2, .inconclusive: 3]
        let sorted = rows.sorted { lhs, rhs in
            if lhs.verdict != rhs.verdict { return rank[lhs.verdict]! < rank[rhs.verdict]! }
            if lhs.metric != rhs.metric { return lhs.metric < rhs.metric }
            return RowKey.text(lhs.labels) < RowKey.text(rhs.labels)
        }
        return VersionComparison(baseline: summary(of: baseline, settings: settings),
                                 candidate: summary(of: candidate, settings: settings), rows: sorted)
    }

    /// The resource kind compared for `metric`, or nil when it is not compared (unknown without
    /// ``ComparisonSettings/includesUnclassified``, or a limit metric).
    static func resource(of metric: String, settings: ComparisonSettings) -> ResourceKind? {
        if let kind = settings.classifier.kind(of: metric) { return kind }
        guard settings.includesUnclassified, !settings.classifier.isLimitMetric(metric),
              metric != DetectorBank.startTimeMetric else { return nil }
        return .other
    }

    private static func summary(of series: [ComparedSeries], settings: ComparisonSettings) -> ComparedRunSummary {
        let compared = series.filter { resource(of: $0.key.metric, settings: settings) != nil }
        return ComparedRunSummary(fromMs: compared.compactMap(\.timestampsMs.first).min(),
                                  toMs: compared.compactMap(\.timestampsMs.last).max(),
                                  versions: Array(Set(compared.compactMap(\.version))).sorted(),
                                  seriesCount: compared.count)
    }

    // MARK: One row

    /// Everything one side of a row contributes.
    private struct SideData {
        var series: [SeriesSegments]
        var blocks: [LevelBlock] = []
        var limits: [Double?]

        var levels: [Double] { blocks.flatMap(\.levels) }
        /// n/n* of the pooled levels: their count over Σ nᵢ/fᵢ.
        var inflation: Double {
            let count = blocks.reduce(0) { $0 + Double($1.levels.count) }
            let effective = blocks.reduce(0) { $0 + Double($1.levels.count) / $1.inflation }
            return effective > 0 ? count / effective : 1
        }
        var restartsPerDay: Double {
            let seconds = series.reduce(0) { $0 + $1.observedSeconds }
            return seconds > 0 ? Double(series.reduce(0) { $0 + $1.restarts }) / (seconds / 86400) : 0
        }
        /// The longest stretch after warm-up, seconds.
        var longestBlockSeconds: Double { blocks.map { ($0.times.last ?? 0) - ($0.times.first ?? 0) }.max() ?? 0 }
    }

    private static func compareRow(key: RowKey, resource: ResourceKind, baseline: [ComparedSeries],
                                   candidate: [ComparedSeries], settings: ComparisonSettings) -> ComparisonRow {
        let configuration = settings.detector
        var sides = SidePair(
            baseline: SideData(series: baseline.map { SeriesSegments($0, resource: resource, configuration: configuration) },
                               limits: baseline.map(\.limit)),
            candidate: SideData(series: candidate.map { SeriesSegments($0, resource: resource, configuration: configuration) },
                                limits: candidate.map(\.limit)))
        let means = judgesMeans(resource: resource, sides: [sides.baseline, sides.candidate], configuration: configuration)
        // One warm-up for the whole row, the longest any cold-started segment of either side
        // shows: cut at different ages, two identical warm-ups would leave different tails, and
        // the tail's slope would read as a growth difference.
        let warmUp = (sides.baseline.series + sides.candidate.series).flatMap(\.segments)
            .map { $0.warmUpSeconds(means: means, configuration: configuration) }.max() ?? configuration.warmUpSeconds
        for side in [\SidePair<SideData>.baseline, \SidePair<SideData>.candidate] {
            sides[keyPath: side].blocks = sides[keyPath: side].series.flatMap(\.segments)
                .compactMap { $0.block(means: means, warmUp: warmUp, configuration: configuration) }
        }
        var row = ComparisonRow(
            metric: key.metric, labels: key.labels, resource: resource, verdict: .inconclusive, reason: "",
            regressed: [], level: nil, growth: nil,
            restartsPerDay: SidePair(baseline: sides.baseline.restartsPerDay, candidate: sides.candidate.restartsPerDay),
            hoursToExhaustion: SidePair(baseline: nil, candidate: nil),
            seriesCount: SidePair(baseline: baseline.count, candidate: candidate.count))
        if let reason = inconclusiveReason(sides: sides, settings: settings) {
            row.reason = reason
            return row
        }
        let z = settings.intervalZ
        let baselineLevels = sides.baseline.levels
        let candidateLevels = sides.candidate.levels
        let baselineMedian = median(baselineLevels)
        let candidateMedian = median(candidateLevels)
        guard let shift = HodgesLehmann.estimate(baseline: baselineLevels, baselineInflation: sides.baseline.inflation,
                                                 candidate: candidateLevels, candidateInflation: sides.candidate.inflation, z: z),
              let baselineSlope = BlockedSenSlope.estimate(sides.baseline.blocks, z: z),
              let candidateSlope = BlockedSenSlope.estimate(sides.candidate.blocks, z: z)
        else {
            row.reason = "too few points: fewer than three levels in every segment after warm-up"
            return row
        }
        row.level = LevelComparison(baselineMedian: baselineMedian, candidateMedian: candidateMedian, shift: shift.shift,
                                    shiftInterval: shift.interval,
                                    ratio: baselineMedian != 0 ? candidateMedian / baselineMedian : nil)
        let growth = growthComparison(baseline: baselineSlope, candidate: candidateSlope, z: z)
        row.growth = growth
        row.hoursToExhaustion = SidePair(
            baseline: hoursToExhaustion(sides.baseline, slopePerHour: growth.baselinePerHour),
            candidate: hoursToExhaustion(sides.candidate, slopePerHour: growth.candidatePerHour))
        judge(&row, level: row.level!, growth: growth, settings: settings)
        return row
    }

    /// Memory (and `other`) is judged on bucket floors under a GC sawtooth and on bucket means
    /// without one, as the detector chooses: whichever level's bucket-to-bucket differences are
    /// smaller. Chosen once for both sides, so a level shift compares like with like.
    private static func judgesMeans(resource: ResourceKind, sides: [SideData], configuration: DetectorConfiguration) -> Bool {
        guard resource == .memory || resource == .other else { return true }
        guard configuration.chooseMemoryLevel else { return false }
        var floorSquares = 0.0
        var meanSquares = 0.0
        for side in sides {
            for series in side.series {
                for segment in series.segments where segment.buckets.count >= 2 {
                    for i in 1..<segment.buckets.count {
                        let floor = segment.buckets[i].floorValue - segment.buckets[i - 1].floorValue
                        let mean = segment.buckets[i].moments.meanValue - segment.buckets[i - 1].moments.meanValue
                        floorSquares += floor * floor
                        meanSquares += mean * mean
                    }
                }
            }
        }
        return meanSquares < floorSquares
    }

    private static func inconclusiveReason(sides: SidePair<SideData>, settings: ComparisonSettings) -> String? {
        let needed = settings.minimumJudgedSeconds
        let neededBuckets = settings.detector.minimumJudgedBuckets
        for (name, side) in [("baseline", sides.baseline), ("candidate", sides.candidate)] {
            if side.series.isEmpty { return "no \(name) series matches" }
            let levels = side.blocks.reduce(0) { $0 + $1.levels.count }
            let observed = side.series.map(\.observedSeconds).max() ?? 0
            let segments = side.series.reduce(0) { $0 + $1.segments.count }
            if side.longestBlockSeconds + settings.detector.bucketSeconds < needed {
                if observed >= needed + settings.detector.warmUpSeconds && segments > side.series.count {
                    return "gaps: the \(name) is cut into \(segments) segments by gaps or restarts, none with \(duration(needed)) after warm-up"
                }
                return "too short: the \(name) has \(duration(side.longestBlockSeconds)) after warm-up, \(duration(needed)) needed"
            }
            if levels < neededBuckets {
                return "too few points: the \(name) has \(levels) bucket levels after warm-up, \(neededBuckets) needed"
            }
        }
        return nil
    }

    private static func growthComparison(baseline: BlockedSenSlope.Estimate, candidate: BlockedSenSlope.Estimate,
                                         z: Double) -> GrowthComparison {
        // Each side's interval is asymmetric in general; its half-width over z is a standard
        // error, and the two sides are independent runs.
        let baselineError = (baseline.interval.upperBound - baseline.interval.lowerBound) / (2 * z)
        let candidateError = (candidate.interval.upperBound - candidate.interval.lowerBound) / (2 * z)
        let difference = candidate.slope - baseline.slope
        let reach = z * (baselineError * baselineError + candidateError * candidateError).squareRoot()
        return GrowthComparison(
            baselinePerHour: baseline.slope * 3600,
            baselineInterval: (baseline.interval.lowerBound * 3600)...(baseline.interval.upperBound * 3600),
            candidatePerHour: candidate.slope * 3600,
            candidateInterval: (candidate.interval.lowerBound * 3600)...(candidate.interval.upperBound * 3600),
            differencePerHour: difference * 3600,
            differenceInterval: ((difference - reach) * 3600)...((difference + reach) * 3600))
    }

    private static func hoursToExhaustion(_ side: SideData, slopePerHour: Double) -> Double? {
        guard slopePerHour > 0 else { return nil }
        var hours: Double?
        for (series, limit) in zip(side.series, side.limits) {
            guard let limit, let latest = series.segments.last?.buckets.last?.moments.meanValue else { continue }
            let left = max(0, (limit - latest) / slopePerHour)
            hours = min(hours ?? left, left)
        }
        return hours
    }

    /// A regression must be beyond tolerance (practically significant) and its interval must
    /// exclude zero (statistically significant); growth must also be significant on the side
    /// that grows, so a baseline that shrank after warm-up does not make a flat candidate a
    /// regression.
    private static func judge(_ row: inout ComparisonRow, level: LevelComparison, growth: GrowthComparison,
                              settings: ComparisonSettings) {
        let reference = abs(level.baselineMedian)
        let levelTolerance = settings.levelTolerancePercent / 100 * reference
        let growthTolerance = settings.growthTolerancePercentPerHour / 100 * reference
        var regressions: [String] = []
        var improvements: [String] = []
        let shiftText = "level \(signed(level.shift)) (\(percent(level.shift, of: reference))), interval \(number(level.shiftInterval.lowerBound))…\(number(level.shiftInterval.upperBound))"
        if level.shift > levelTolerance && level.shiftInterval.lowerBound > 0 {
            row.regressed.insert(.level)
            regressions.append("\(shiftText), beyond the \(number(settings.levelTolerancePercent)) % tolerance")
        } else if level.shift < -levelTolerance && level.shiftInterval.upperBound < 0 {
            improvements.append("\(shiftText), beyond the \(number(settings.levelTolerancePercent)) % tolerance")
        }
        let growthText = "growth \(signed(growth.differencePerHour))/h more than the baseline (\(percent(growth.differencePerHour, of: reference))/h), interval \(number(growth.differenceInterval.lowerBound))…\(number(growth.differenceInterval.upperBound))/h"
        if growth.differencePerHour > growthTolerance && growth.differenceInterval.lowerBound > 0
            && growth.candidateInterval.lowerBound > 0 {
            row.regressed.insert(.growth)
            regressions.append("\(growthText), beyond the \(number(settings.growthTolerancePercentPerHour)) %/h tolerance")
        } else if growth.differencePerHour < -growthTolerance && growth.differenceInterval.upperBound < 0
                    && growth.baselineInterval.lowerBound > 0 {
            improvements.append("\(growthText), beyond the \(number(settings.growthTolerancePercentPerHour)) %/h tolerance")
        }
        if !regressions.isEmpty {
            row.verdict = .regression
            row.reason = regressions.joined(separator: "; ")
        } else if !improvements.isEmpty {
            row.verdict = .improvement
            row.reason = improvements.joined(separator: "; ")
        } else {
            row.verdict = .noChange
            row.reason = "level shift \(percent(level.shift, of: reference)) and growth difference \(percent(growth.differencePerHour, of: reference))/h are within tolerance or chance"
        }
    }

    // MARK: Helpers

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// A number with up to four significant digits, no Foundation formatting.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : magnitude >= 1 ? 3 : 4
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if decimals == 0 { return String(Int64(rounded)) }
        var text = "\(rounded)"
        if text.contains("e") { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    private static func signed(_ value: Double) -> String { value >= 0 ? "+" + number(value) : number(value) }

    private static func percent(_ value: Double, of reference: Double) -> String {
        reference > 0 ? signed(value / reference * 100) + " %" : "n/a"
    }

    private static func duration(_ seconds: Double) -> String {
        seconds >= 3600 ? number(seconds / 3600) + " h" : seconds >= 60 ? number(seconds / 60) + " min" : number(seconds) + " s"
    }
}

/// What matches series across the two sides: the metric and the labels left after the ignored ones.
struct RowKey: Hashable {
    var metric: String
    var labels: [String: String]

    static func text(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
