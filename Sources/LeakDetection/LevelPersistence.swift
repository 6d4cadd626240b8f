/// AR(1) persistence of a sequence of bucket levels, estimated from its first differences: the
/// serial correlation that inflates every variance the detector and the version comparison use.
///
/// For AR(1) with coefficient ρ, corr(Δxₜ, Δxₜ₋₁) = −(1 − ρ)/2, so ρ = 1 + 2·corr(Δxₜ, Δxₜ₋₁).
/// No linear trend affects the differences, so a wandering series is seen to wander even when its
/// excursion looks like a trend (see docs/detection.md, "Where ρ comes from matters").
public enum LevelPersistence {
    /// ρ of the levels, clamped to [0, 0.99]; 0 with fewer than four levels.
    /// `clipMADs`: differences further than this many robust deviations from their median are
    /// clipped first (a staircase's jumps are growth, not persistence).
    public static func rho(levels: [Double], clipMADs: Double = 3) -> Double {
        let n = levels.count
        guard n >= 4 else { return 0 }
        let m = n - 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m) { scratch in
            for k in 0..<m { scratch[k] = levels[k + 1] - levels[k] }
            return rho(differences: scratch, count: m, clipMADs: clipMADs, whiteVariance: nil)
        }
    }

    /// ρ from `count` first differences held in `scratch[0..<count]`; `scratch` must hold
    /// 2 × `count` doubles (the upper half is work space). The differences are clipped in place.
    /// `whiteVariance`, when given, is the variance of measurement noise known to be in each level
    /// (a bucket mean's share of its samples' scatter); it is taken out before ρ is formed while
    /// the persistent part dominates the differences.
    static func rho(differences scratch: UnsafeMutableBufferPointer<Double>, count m: Int, clipMADs clip: Double,
                    whiteVariance: Double?) -> Double {
        guard m >= 2 else { return 0 }
        // A few large differences (the steps of a staircase, one restart-free jump) are not
        // persistence: differences beyond `clip` robust deviations from their median are
        // clipped there, so the lag correlation describes the bulk of the noise.
        if clip.isFinite {
            let work = UnsafeMutableBufferPointer(rebasing: scratch[m..<(2 * m)])
            for k in 0..<m { work[k] = scratch[k] }
            let center = TheilSen.median(work, count: m)
            for k in 0..<m { work[k] = abs(scratch[k] - center) }
            let spread = 1.4826 * TheilSen.median(work, count: m)
            if spread > 0 {
                let low = center - clip * spread
                let high = center + clip * spread
                for k in 0..<m { scratch[k] = min(high, max(low, scratch[k])) }
            }
        }
        var meanDifference = 0.0
        for k in 0..<m { meanDifference += scratch[k] }
        meanDifference /= Double(m)
        var lagged = 0.0
        var squared = 0.0
        var previous = scratch[0] - meanDifference
        squared += previous * previous
        for k in 1..<m {
            let d = scratch[k] - meanDifference
            lagged += d * previous
            squared += d * d
            previous = d
        }
        guard squared > 0 else { return 0 }
        var correlation = lagged / squared
        if let whiteVariance {
            // Measurement noise of known variance v adds 2v to the differences' variance and −v
            // to their lag-1 covariance, pulling the correlation towards −½ and ρ towards 0.
            let variance = squared / Double(m)
            let covariance = lagged / Double(m - 1)
            let persistentVariance = variance - 2 * whiteVariance
            if persistentVariance > 0.5 * variance {
                correlation = (covariance + whiteVariance) / persistentVariance
            }
        }
        return min(0.99, max(0, 1 + 2 * correlation))
    }
}
