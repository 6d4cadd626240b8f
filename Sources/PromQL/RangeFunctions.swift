/// The functions of a range vector, over one series' points in the window (Prometheus 2.42's
/// `functions.go` arithmetic: extrapolated rates, Kahan-compensated sums and regressions).
enum RangeFunctions {
    /// The function's value, or nil when the series yields no output (e.g. `rate` of one point).
    static func evaluate(_ name: String, _ points: [Point], window: RangeWindow, argument: Double) -> Double? {
        switch name {
        case "rate": extrapolatedRate(points, window, isCounter: true, isRate: true)
        case "increase": extrapolatedRate(points, window, isCounter: true, isRate: false)
        case "delta": extrapolatedRate(points, window, isCounter: false, isRate: false)
        case "irate": instantRate(points)
        case "deriv": points.count < 2 ? nil : linearRegression(points, interceptMs: points[0].timestampMs).slope
        case "predict_linear":
            points.count < 2 ? nil : predictLinear(points, at: window.evaluationMs, seconds: argument)
        case "avg_over_time": averageOverTime(points)
        case "sum_over_time": kahanSum(points.map(\.value))
        case "count_over_time": Double(points.count)
        case "min_over_time":
            points.reduce(points[0].value) { m, p in p.value < m || m.isNaN ? p.value : m }
        case "max_over_time":
            points.reduce(points[0].value) { m, p in p.value > m || m.isNaN ? p.value : m }
        case "stddev_over_time": varianceOverTime(points).squareRoot()
        case "stdvar_over_time": varianceOverTime(points)
        case "last_over_time": points[points.count - 1].value
        case "present_over_time": 1
        case "quantile_over_time": Quantiles.quantile(argument, points.map(\.value))
        default: nil
        }
    }

    /// The regression line's value `seconds` after `evaluationMs`.
    private static func predictLinear(_ points: [Point], at evaluationMs: Int64, seconds: Double) -> Double {
        let line = linearRegression(points, interceptMs: evaluationMs)
        return line.slope * seconds + line.intercept
    }

    /// Neumaier's improved Kahan step (Prometheus' `kahanSumInc`).
    static func kahanStep(_ increment: Double, _ sum: Double, _ compensation: Double) -> (Double, Double) {
        let t = sum + increment
        var c = compensation
        if abs(sum) >= abs(increment) {
            c += (sum - t) + increment
        } else {
            c += (increment - t) + sum
        }
        return (t, c)
    }

    static func kahanSum(_ values: [Double]) -> Double {
        var sum = 0.0
        var c = 0.0
        for value in values { (sum, c) = kahanStep(value, sum, c) }
        return sum.isInfinite ? sum : sum + c
    }

    private static func averageOverTime(_ points: [Point]) -> Double {
        var mean = 0.0
        var count = 0.0
        var c = 0.0
        for point in points {
            count += 1
            let v = point.value
            if mean.isInfinite {
                if v.isInfinite && (mean > 0) == (v > 0) { continue }
                if !v.isInfinite && !v.isNaN { continue }
            }
            (mean, c) = kahanStep(v / count - mean / count, mean, c)
        }
        return mean.isInfinite ? mean : mean + c
    }

    private static func varianceOverTime(_ points: [Point]) -> Double {
        var count = 0.0
        var mean = 0.0, cMean = 0.0
        var aux = 0.0, cAux = 0.0
        for point in points {
            count += 1
            let delta = point.value - (mean + cMean)
            (mean, cMean) = kahanStep(delta / count, mean, cMean)
            (aux, cAux) = kahanStep(delta * (point.value - (mean + cMean)), aux, cAux)
        }
        return (aux + cAux) / count
    }

    /// Prometheus' `extrapolatedRate`: the change over the sampled interval (counter resets
    /// added back), extrapolated towards the window's edges by at most half a sample interval
    /// (and, for counters, not below zero).
    static func extrapolatedRate(_ points: [Point], _ window: RangeWindow, isCounter: Bool, isRate: Bool) -> Double? {
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        var result = last.value - first.value
        if isCounter {
            var previous = 0.0
            for point in points {
                if point.value < previous { result += previous }
                previous = point.value
            }
        }
        var durationToStart = Double(first.timestampMs - window.startMs) / 1000
        let durationToEnd = Double(window.endMs - last.timestampMs) / 1000
        let sampledInterval = Double(last.timestampMs - first.timestampMs) / 1000
        let averageInterval = sampledInterval / Double(points.count - 1)
        if isCounter && result > 0 && first.value >= 0 {
            let durationToZero = sampledInterval * (first.value / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        let threshold = averageInterval * 1.1
        var extrapolateTo = sampledInterval
        extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2
        result *= extrapolateTo / sampledInterval
        if isRate { result /= window.rangeSeconds }
        return result
    }

    /// Prometheus' `irate`: the per-second change between the last two points (a drop is a reset).
    private static func instantRate(_ points: [Point]) -> Double? {
        guard points.count >= 2 else { return nil }
        let last = points[points.count - 1]
        let previous = points[points.count - 2]
        let result = last.value < previous.value ? last.value : last.value - previous.value
        let interval = last.timestampMs - previous.timestampMs
        guard interval != 0 else { return nil }
        return result / (Double(interval) / 1000)
    }

    /// Least-squares line through the points, x in seconds relative to `interceptMs`
    /// (Kahan-compensated sums; a constant series has slope 0).
    static func linearRegression(_ points: [Point], interceptMs: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0
        var sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
        let initY = points[0].value
        var constY = true
        for (index, point) in points.enumerated() {
            if constY && index > 0 && point.value != initY { constY = false }
            n += 1
            let x = Double(point.timestampMs - interceptMs) / 1e3
            (sumX, cX) = kahanStep(x, sumX, cX)
            (sumY, cY) = kahanStep(point.value, sumY, cY)
            (sumXY, cXY) = kahanStep(x * point.value, sumXY, cXY)
            (sumX2, cX2) = kahanStep(x * x, sumX2, cX2)
        }
        if constY {
            return initY.isInfinite ? (.nan, .nan) : (0, initY)
        }
        sumX += cX
        sumY += cY
        sumXY += cXY
        sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        return (slope, sumY / n - slope * sumX / n)
    }
}
