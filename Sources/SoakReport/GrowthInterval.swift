import Foundation
import LeakDetection

/// The interval and the drawn line of a finding's growth, from the judged levels of its window.
///
/// The interval is Sen's (1968) distribution-free interval for the Theil–Sen slope: the ranks
/// `(N ∓ z·√Var S)/2` of the sorted pairwise slopes, with the Mann–Kendall variance of S inflated
/// by `(1 + ρ)/(1 − ρ)` for the lag-1 autocorrelation ρ of the detrended levels (bucket levels of
/// a leaking process are serially correlated; without the inflation the interval is too narrow).
enum GrowthInterval {
    /// 95 % two-sided.
    static let z = 1.959964

    /// The 95 % interval of the growth in % of the window's mean level per hour; nil with fewer
    /// than 6 levels in `[fromMs, toMs]` or a non-positive mean.
    static func percentPerHour(times: [Int64], levels: [Double], fromMs: Int64, toMs: Int64) -> ClosedRange<Double>? {
        let window = times.indices.filter { times[$0] >= fromMs && times[$0] <= toMs }
        let n = window.count
        guard n >= 6 else { return nil }
        let hours = window.map { Double(times[$0] - fromMs) / 3_600_000 }
        let values = window.map { levels[$0] }
        let mean = values.reduce(0, +) / Double(n)
        guard mean > 0 else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n where hours[j] > hours[i] {
                slopes.append((values[j] - values[i]) / (hours[j] - hours[i]))
            }
        }
        guard !slopes.isEmpty, let slope = TheilSen.slope(times: hours, values: values) else { return nil }
        slopes.sort()
        let rho = lagOneCorrelation(hours: hours, values: values, slope: slope)
        let variance = Double(n * (n - 1) * (2 * n + 5)) / 18 * (1 + rho) / (1 - rho)
        let c = z * variance.squareRoot()
        let count = Double(slopes.count)
        let lower = Int(((count - c) / 2).rounded(.down)).clamped(0, slopes.count - 1)
        let upper = Int(((count + c) / 2).rounded(.up)).clamped(0, slopes.count - 1)
        return (100 * slopes[lower] / mean)...(100 * slopes[upper] / mean)
    }

    /// The value at `fromMs` of the line with `slopePerHour` through the window's levels:
    /// the median of `level − slope·t` (the Theil–Sen intercept); nil without levels after `fromMs`.
    static func intercept(times: [Int64], levels: [Double], fromMs: Int64, slopePerHour: Double) -> Double? {
        var offsets = times.indices.filter { times[$0] >= fromMs }
            .map { levels[$0] - slopePerHour * Double(times[$0] - fromMs) / 3_600_000 }
        guard !offsets.isEmpty else { return nil }
        offsets.sort()
        let middle = offsets.count / 2
        return offsets.count % 2 == 1 ? offsets[middle] : (offsets[middle - 1] + offsets[middle]) / 2
    }

    /// Lag-1 autocorrelation of the residuals around the line, clamped to [0, 0.9].
    private static func lagOneCorrelation(hours: [Double], values: [Double], slope: Double) -> Double {
        let residuals = zip(hours, values).map { $1 - slope * $0 }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        var lagged = 0.0, squared = 0.0
        for k in residuals.indices {
            let d = residuals[k] - mean
            squared += d * d
            if k > 0 { lagged += d * (residuals[k - 1] - mean) }
        }
        guard squared > 0 else { return 0 }
        return min(0.9, max(0, lagged / squared))
    }
}

extension Int {
    func clamped(_ low: Int, _ high: Int) -> Int { Swift.min(high, Swift.max(low, self)) }
}
