/// Mann–Kendall trend statistic of a sliding sequence, updated in O(n) per appended or evicted
/// value instead of O(n²) per judgement.
///
/// S = Σ_{i<j} sign(x_j − x_i). Under "no trend" with ties, Var(S) = [n(n−1)(2n+5) −
/// Σ_g t_g(t_g−1)(2t_g+5)] / 18 (Kendall 1975), where t_g are the sizes of groups of equal
/// values; integer series (fd and goroutine counts) have many. The tie term is kept
/// incrementally: a value joining a group of size t adds f(t+1) − f(t).
struct MannKendallWindow: Sendable {
    private(set) var score: Double = 0
    private(set) var tieTerm: Double = 0

    /// Kendall's per-group tie term t(t−1)(2t+5).
    @inline(__always)
    static func tieWeight(_ t: Double) -> Double { t * (t - 1) * (2 * t + 5) }

    /// Accounts for `value` joining the window after the ring's values at indices start..<end.
    mutating func add(_ value: Double, after ring: BucketRing, from start: Int, to end: Int) {
        var sum = 0.0
        var equal = 0.0
        var i = start
        while i < end {
            let other = ring.floor(i)
            if value > other { sum += 1 } else if value < other { sum -= 1 } else { equal += 1 }
            i += 1
        }
        score += sum
        tieTerm += Self.tieWeight(equal + 1) - Self.tieWeight(equal)
    }

    /// Accounts for `value` leaving the window, which keeps the ring's values at start..<end
    /// (all of them later than `value`).
    mutating func remove(_ value: Double, before ring: BucketRing, from start: Int, to end: Int) {
        var sum = 0.0
        var equal = 0.0
        var i = start
        while i < end {
            let other = ring.floor(i)
            if other > value { sum += 1 } else if other < value { sum -= 1 } else { equal += 1 }
            i += 1
        }
        score -= sum
        tieTerm -= Self.tieWeight(equal + 1) - Self.tieWeight(equal)
    }

    mutating func reset() { self = MannKendallWindow() }

    /// The continuity-corrected z for `count` values, before any serial-correlation correction.
    func z(count n: Int) -> Double {
        MannKendall.z(score: score, count: n, tieTerm: tieTerm)
    }
}

/// Mann–Kendall helpers on plain arrays: the reference the incremental window is tested against,
/// and the serial-correlation correction.
public enum MannKendall {
    /// S = Σ_{i<j} sign(x_j − x_i).
    public static func score(_ values: [Double]) -> Double {
        var s = 0.0
        for j in values.indices {
            for i in 0..<j where values[j] != values[i] {
                s += values[j] > values[i] ? 1 : -1
            }
        }
        return s
    }

    /// Σ over groups of equal values of t(t−1)(2t+5).
    public static func tieTerm(_ values: [Double]) -> Double {
        var counts: [Double: Double] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return counts.values.reduce(0) { $0 + MannKendallWindow.tieWeight($1) }
    }

    /// Var(S) under the null with Kendall's tie correction.
    public static func variance(count n: Int, tieTerm: Double) -> Double {
        let n = Double(n)
        return (n * (n - 1) * (2 * n + 5) - tieTerm) / 18
    }

    /// z = (S − sign(S)) / √Var(S): the usual continuity correction.
    public static func z(score: Double, count n: Int, tieTerm: Double) -> Double {
        let variance = variance(count: n, tieTerm: tieTerm)
        guard variance > 0 else { return 0 }
        let corrected = score > 0 ? score - 1 : score < 0 ? score + 1 : 0
        return corrected / variance.squareRoot()
    }

    /// Variance inflation n/n* for AR(1) residuals with lag-1 autocorrelation `rho`
    /// (Yue & Wang 2004, effective sample size with ρ_k = ρ^k): 1 + 2Σ_{k=1}^{n−1}(1 − k/n)ρ^k.
    /// Only positive correlation inflates; negative correlation is left uncorrected (conservative).
    public static func serialCorrelationInflation(rho: Double, count n: Int) -> Double {
        guard rho > 0, n > 2 else { return 1 }
        var factor = 1.0
        var power = 1.0
        for k in 1..<n {
            power *= rho
            factor += 2 * (1 - Double(k) / Double(n)) * power
            if power < 1e-6 { break }
        }
        return factor
    }
}
