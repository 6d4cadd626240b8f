/// Centred first and second moments of (time, value) pairs: the sufficient statistics of an
/// ordinary least-squares line, kept so that samples and whole groups can be added *and removed*.
///
/// Why centred: the textbook sums Σt, Σt², Σtv lose all precision when t is a Unix timestamp
/// (t² ≈ 3e18, so Σt² − (Σt)²/n cancels catastrophically). Welford's updates keep the
/// co-moments about the running means, and Chan et al.'s pairwise formula merges or splits
/// groups without ever forming the raw sums. Times are seconds relative to a caller-chosen
/// origin (the segment start), which keeps magnitudes small as well.
public struct TrendMoments: Sendable, Hashable {
    /// Number of samples.
    public private(set) var count: Double = 0
    /// Mean time in seconds since the origin.
    public private(set) var meanTime: Double = 0
    /// Mean value.
    public private(set) var meanValue: Double = 0
    /// Σ(t − t̄)².
    public private(set) var timeComoment: Double = 0
    /// Σ(t − t̄)(v − v̄).
    public private(set) var crossComoment: Double = 0
    /// Σ(v − v̄)².
    public private(set) var valueComoment: Double = 0

    /// An empty accumulator.
    public init() {}

    /// Adds one sample (Welford: each co-moment grows by δ_old·(x − mean_new)).
    public mutating func add(time: Double, value: Double) {
        count += 1
        let dt = time - meanTime
        let dv = value - meanValue
        meanTime += dt / count
        meanValue += dv / count
        timeComoment += dt * (time - meanTime)
        crossComoment += dt * (value - meanValue)
        valueComoment += dv * (value - meanValue)
    }

    /// Removes one sample previously added (the exact inverse of ``add(time:value:)``).
    public mutating func remove(time: Double, value: Double) {
        guard count > 1 else { self = TrendMoments(); return }
        let newCount = count - 1
        let newMeanTime = meanTime - (time - meanTime) / newCount
        let newMeanValue = meanValue - (value - meanValue) / newCount
        // Inverse of the add step: C_old = C_new + (x − μ_new)(y − μ_old).
        timeComoment -= (time - newMeanTime) * (time - meanTime)
        crossComoment -= (time - newMeanTime) * (value - meanValue)
        valueComoment -= (value - newMeanValue) * (value - meanValue)
        count = newCount
        meanTime = newMeanTime
        meanValue = newMeanValue
        clampRoundingNoise()
    }

    /// Adds a whole group (Chan et al.: the cross term is δ·δ·n_a·n_b/n).
    public mutating func merge(_ other: TrendMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let total = count + other.count
        let dt = other.meanTime - meanTime
        let dv = other.meanValue - meanValue
        let weight = count * other.count / total
        timeComoment += other.timeComoment + dt * dt * weight
        crossComoment += other.crossComoment + dt * dv * weight
        valueComoment += other.valueComoment + dv * dv * weight
        meanTime += dt * other.count / total
        meanValue += dv * other.count / total
        count = total
    }

    /// Removes a group that was merged earlier (the inverse of ``merge(_:)``).
    public mutating func unmerge(_ other: TrendMoments) {
        guard other.count > 0 else { return }
        guard count > other.count else { self = TrendMoments(); return }
        let rest = count - other.count
        // Means of the remainder, written as corrections of the current means (no raw sums).
        let restMeanTime = meanTime - (other.meanTime - meanTime) * other.count / rest
        let restMeanValue = meanValue - (other.meanValue - meanValue) * other.count / rest
        let dt = other.meanTime - restMeanTime
        let dv = other.meanValue - restMeanValue
        let weight = rest * other.count / count
        timeComoment -= other.timeComoment + dt * dt * weight
        crossComoment -= other.crossComoment + dt * dv * weight
        valueComoment -= other.valueComoment + dv * dv * weight
        count = rest
        meanTime = restMeanTime
        meanValue = restMeanValue
        clampRoundingNoise()
    }

    /// Least-squares slope in value units per second, or nil with fewer than two distinct times.
    public var slopePerSecond: Double? {
        guard count >= 2, timeComoment > 0 else { return nil }
        return crossComoment / timeComoment
    }

    /// Standard error of the slope (per second) under independent residuals, or nil when n < 3.
    public var slopeStandardError: Double? {
        guard count >= 3, timeComoment > 0 else { return nil }
        let residual = max(0, valueComoment - crossComoment * crossComoment / timeComoment)
        return (residual / (count - 2) / timeComoment).squareRoot()
    }

    /// Σ of squared residuals about the least-squares line.
    public var residualSumOfSquares: Double {
        guard timeComoment > 0 else { return valueComoment }
        return max(0, valueComoment - crossComoment * crossComoment / timeComoment)
    }

    /// The fitted value at `time` (seconds since the origin).
    public func fittedValue(atTime time: Double) -> Double {
        meanValue + (slopePerSecond ?? 0) * (time - meanTime)
    }

    /// Subtraction can leave −1e-12 where 0 is meant; a negative variance would poison sqrt.
    private mutating func clampRoundingNoise() {
        if timeComoment < 0 { timeComoment = 0 }
        if valueComoment < 0 { valueComoment = 0 }
    }
}
