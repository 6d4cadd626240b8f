import LeakDetection

/// Prometheus' range functions, computed the way Prometheus computes them, so the detector's
/// least squares can be checked against `deriv()` and the reference alert rules can be
/// evaluated faithfully on the same corpus.
public enum PrometheusReference {
    /// `deriv(v[range])`: the least-squares slope per second, with x = seconds relative to the
    /// first sample and Kahan–Neumaier compensated raw sums (promql/functions.go
    /// `linearRegression`). nil with fewer than two samples, as Prometheus returns nothing.
    public static func deriv(timestampsMs: ArraySlice<Int64>, values: ArraySlice<Double>) -> Double? {
        guard timestampsMs.count >= 2, let first = timestampsMs.first, let firstValue = values.first else { return nil }
        var n = 0.0
        var sumX = CompensatedSum(), sumY = CompensatedSum(), sumXY = CompensatedSum(), sumX2 = CompensatedSum()
        var constantY = true
        for (t, v) in zip(timestampsMs, values) {
            if v != firstValue { constantY = false }
            n += 1
            let x = Double(t - first) / 1e3
            sumX.add(x)
            sumY.add(v)
            sumXY.add(x * v)
            sumX2.add(x * x)
        }
        if constantY { return firstValue.isInfinite ? .nan : 0 }
        let covXY = sumXY.value - sumX.value * sumY.value / n
        let varX = sumX2.value - sumX.value * sumX.value / n
        return covXY / varX
    }

    /// `avg_over_time(v[range])`: the compensated mean.
    public static func averageOverTime(_ values: ArraySlice<Double>) -> Double? {
        guard !values.isEmpty else { return nil }
        var sum = CompensatedSum()
        for v in values { sum.add(v) }
        return sum.value / Double(values.count)
    }

    /// Neumaier's improved Kahan summation, as Prometheus' `kahanSumInc`.
    struct CompensatedSum {
        private var sum = 0.0
        private var compensation = 0.0
        mutating func add(_ x: Double) {
            let t = sum + x
            if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
            sum = t
        }
        var value: Double { sum + compensation }
    }
}

/// A `deriv`-based alert rule as operators write them today, evaluated as Prometheus' rule
/// manager would: every `evaluationIntervalSeconds`, over the left-open range
/// (T − range, T] (Prometheus 3), with `for:` requiring the condition at every evaluation.
///
/// Condition: `deriv(x[range]) * 3600 / avg_over_time(x[range]) > growthFractionPerHour`.
public struct ReferenceRule: Sendable, Hashable {
    /// How the rule is printed.
    public var name: String
    /// The range selector, e.g. 6 h for `x[6h]`.
    public var rangeSeconds: Double
    /// Threshold of `deriv × 3600 / avg_over_time` (0.01 = 1 %/h).
    public var growthFractionPerHour: Double
    /// The rule's `for:` duration (0 = fires at once).
    public var forSeconds: Double
    /// Rule evaluation interval (Prometheus' `evaluation_interval`).
    public var evaluationIntervalSeconds: Double

    /// A rule from its parts.
    public init(name: String, rangeSeconds: Double, growthFractionPerHour: Double, forSeconds: Double,
                evaluationIntervalSeconds: Double = 30) {
        self.name = name
        self.rangeSeconds = rangeSeconds
        self.growthFractionPerHour = growthFractionPerHour
        self.forSeconds = forSeconds
        self.evaluationIntervalSeconds = evaluationIntervalSeconds
    }

    /// `deriv(x[6h]) / avg_over_time(x[6h]) > 1 %/h for: 1h`.
    public static let derivSixHours = ReferenceRule(
        name: "deriv 6h >1%/h for 1h", rangeSeconds: 6 * 3600, growthFractionPerHour: 0.01, forSeconds: 3600)
    /// `deriv(x[1h]) / avg_over_time(x[1h]) > 10 %/h` (fires at once).
    public static let regressionOneHour = ReferenceRule(
        name: "1h regression >10%/h", rangeSeconds: 3600, growthFractionPerHour: 0.10, forSeconds: 0)

    /// The evaluation time at which the alert first fires (ms), or nil if it never does.
    public func firstFiringMs(timestampsMs: [Int64], values: [Double]) -> Int64? {
        guard let firstMs = timestampsMs.first, let lastMs = timestampsMs.last else { return nil }
        let stepMs = Int64(evaluationIntervalSeconds * 1000)
        let rangeMs = Int64(rangeSeconds * 1000)
        let forMs = Int64(forSeconds * 1000)
        var low = 0
        var high = 0
        var activeSinceMs: Int64?
        var evaluationMs = firstMs
        while evaluationMs <= lastMs {
            while high < timestampsMs.count && timestampsMs[high] <= evaluationMs { high += 1 }
            while low < high && timestampsMs[low] <= evaluationMs - rangeMs { low += 1 }
            var holds = false
            if let slope = PrometheusReference.deriv(timestampsMs: timestampsMs[low..<high], values: values[low..<high]),
               let mean = PrometheusReference.averageOverTime(values[low..<high]), mean != 0 {
                holds = slope * 3600 / mean > growthFractionPerHour
            }
            if holds {
                let since = activeSinceMs ?? evaluationMs
                activeSinceMs = since
                if evaluationMs - since >= forMs { return evaluationMs }
            } else {
                activeSinceMs = nil
            }
            evaluationMs += stepMs
        }
        return nil
    }
}
