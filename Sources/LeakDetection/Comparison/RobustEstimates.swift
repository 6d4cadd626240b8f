import SoakModel

/// Hodges–Lehmann shift between two samples of bucket levels, with a rank confidence interval
/// widened for serial correlation.
///
/// The shift is the median of all differences y − x. Its distribution-free interval takes order
/// statistics of those differences at ranks mn/2 ∓ z·√Var(U) (the Mann–Whitney U). For
/// independent values Var(U) = mn(m + n + 1)/12; levels of neighbouring buckets are correlated,
/// and U's variance grows with each side's variance inflation f (n/n*): to first order
/// Var(U/mn) = (f_x/m + f_y/n)/12 (the U-statistic's projection is a mean of G(X), which carries
/// X's persistence).
enum HodgesLehmann {
    struct Estimate {
        var shift: Double
        var interval: ClosedRange<Double>
    }

    /// Products m·n beyond this are thinned to it (every k-th level of each side): a week at
    /// 5-min buckets on both sides would otherwise be 4 million differences.
    static let maximumPairs = 1_000_000

    static func estimate(baseline: [Double], baselineInflation: Double, candidate: [Double],
                         candidateInflation: Double, z: Double) -> Estimate? {
        var x = baseline
        var y = candidate
        guard !x.isEmpty, !y.isEmpty else { return nil }
        if x.count * y.count > maximumPairs {
            let stride = Int((Double(x.count * y.count) / Double(maximumPairs)).squareRoot().rounded(.up))
            x = Swift.stride(from: 0, to: x.count, by: stride).map { x[$0] }
            y = Swift.stride(from: 0, to: y.count, by: stride).map { y[$0] }
        }
        var differences: [Double] = []
        differences.reserveCapacity(x.count * y.count)
        for b in x { for c in y { differences.append(c - b) } }
        differences.sort()
        let m = Double(x.count)
        let n = Double(y.count)
        let total = differences.count
        let shift = total % 2 == 1 ? differences[total / 2] : (differences[total / 2 - 1] + differences[total / 2]) / 2
        let variance = (max(1, baselineInflation) / m + max(1, candidateInflation) / n) / 12 * Double(total) * Double(total)
        let reach = z * variance.squareRoot()
        // 0-based ranks of the order statistics bounding the interval.
        let lower = max(0, Int((Double(total) / 2 - reach).rounded(.down)))
        let upper = min(total - 1, Int((Double(total) / 2 + reach).rounded(.up)) - 1)
        return Estimate(shift: shift, interval: differences[min(lower, upper)]...differences[max(lower, upper)])
    }
}

/// Theil–Sen slope over several blocks (the segments of one or more series), with Sen's
/// confidence interval widened for serial correlation.
///
/// Pairwise slopes are formed only within a block: no slope straddles a restart, a gap or two
/// instances (Sen 1968 for one block; the blocked form is the seasonal-Kendall slope of Hirsch,
/// Slack & Smith 1982). The interval takes the order statistics of the slopes at ranks
/// (N ∓ z·√Var(S))/2, where S is the Mann–Kendall score summed over blocks (Gilbert 1987, §16.5);
/// each block's Var(S), with Kendall's tie term, is multiplied by its AR(1) inflation (Yue & Wang
/// 2004) — the same correction the detector applies to its rank test.
enum BlockedSenSlope {
    struct Estimate {
        /// Units per second.
        var slope: Double
        var interval: ClosedRange<Double>
    }

    static func estimate(_ blocks: [LevelBlock], z: Double) -> Estimate? {
        var slopes: [Double] = []
        var varianceS = 0.0
        for block in blocks where block.levels.count >= 3 {
            let n = block.levels.count
            for j in 1..<n {
                for i in 0..<j {
                    let dt = block.times[j] - block.times[i]
                    if dt > 0 { slopes.append((block.levels[j] - block.levels[i]) / dt) }
                }
            }
            varianceS += MannKendall.variance(count: n, tieTerm: MannKendall.tieTerm(block.levels)) * block.inflation
        }
        guard !slopes.isEmpty else { return nil }
        slopes.sort()
        let total = slopes.count
        let slope = total % 2 == 1 ? slopes[total / 2] : (slopes[total / 2 - 1] + slopes[total / 2]) / 2
        let reach = z * varianceS.squareRoot()
        // Gilbert's M1 = (N − C)/2 and M2 = (N + C)/2 + 1 are 1-based ranks.
        let lower = max(0, Int(((Double(total) - reach) / 2).rounded(.down)) - 1)
        let upper = min(total - 1, Int(((Double(total) + reach) / 2).rounded(.up)))
        return Estimate(slope: slope, interval: slopes[min(lower, upper)]...slopes[max(lower, upper)])
    }
}
