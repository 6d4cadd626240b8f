/// Can a saturating warm-up still explain the growth? A model comparison between a leak — a
/// straight line, or a parabola bending up when the growth began inside the data — and the best
/// levelling-off curve y = a + c·e^(−t/τ), c < 0, with τ up to the longest warm-up the
/// configuration allows.
///
/// Both models have two linear parameters; the curve also picks τ from a grid. When the data is
/// as straight as a leak, the curve leaves more residual than the line; how much more, in units
/// of the line's residual variance (widened for serial correlation), is a likelihood-ratio
/// statistic that is χ²₁-distributed when the curve's shape is fixed. (The noise variance is the
/// smaller of the line's residual variance and half the variance of successive differences.) The warm-up is **ruled out**
/// when it exceeds ``DetectorConfiguration/warmUpRejectionChiSquare`` (6.63: p 0.01 that a
/// warm-up at the boundary τ is ruled out by chance at one judgement). Until then a leak verdict
/// waits: with τ far longer than the data, the curve is indistinguishable from a line, and only
/// more data — a longer stretch of the segment — can tell them apart.
///
/// A rise that began inside the data (a late leak) bends *up*, which the upward parabola follows
/// and no levelling-off curve does, so it is ruled out quickly; a real warm-up is not ruled out
/// (but for chance, at the rate above).
struct WarmUpJudgement {
    /// The statistic: (curve residual − line residual) / line residual variance. Negative when the
    /// curve fits better than the line.
    var excess: Double
    /// The time constant of the best-fitting curve, seconds.
    var timeConstantSeconds: Double

    /// Number of time constants tried, geometric from `longest`/2^(count−1) to `longest`.
    static let timeConstants = 7

    /// Compares the two models on `count` points `point(i) = (time seconds, value)` in time order.
    /// nil with fewer than 6 points or no time constant to try.
    static func compare(count n: Int, longestTimeConstant longest: Double, varianceInflation: Double,
                        point: (Int) -> (time: Double, value: Double)) -> WarmUpJudgement? {
        guard n >= 6, longest > 0 else { return nil }
        let origin = point(0).time
        var meanT = 0.0, meanY = 0.0
        for i in 0..<n {
            let p = point(i)
            meanT += p.time - origin
            meanY += p.value
        }
        meanT /= Double(n)
        meanY /= Double(n)
        var stt = 0.0, sty = 0.0, syy = 0.0
        for i in 0..<n {
            let p = point(i)
            let t = p.time - origin - meanT, y = p.value - meanY
            stt += t * t; sty += t * y; syy += y * y
        }
        guard stt > 0 else { return nil }
        let lineSSE = max(0, syy - sty * sty / stt)
        // The leak model: a line, or — when the growth bends *up* (it began inside the data, a
        // late leak) — a parabola with a positive quadratic term, which a line fits as badly as a
        // levelling-off curve. Its extra parameter costs the difference of χ²₂ and χ²₁ at p 0.01.
        var meanQ = 0.0
        for i in 0..<n { let t = point(i).time - origin - meanT; meanQ += t * t }
        meanQ /= Double(n)
        var stq = 0.0, sqq = 0.0, sqy = 0.0
        for i in 0..<n {
            let p = point(i)
            let t = p.time - origin - meanT, q = t * t - meanQ, y = p.value - meanY
            stq += t * q; sqq += q * q; sqy += q * y
        }
        var leakSSE = lineSSE
        var extraParameterPenalty = 0.0
        let determinant = stt * sqq - stq * stq
        if determinant > 0 {
            let b1 = (sqq * sty - stq * sqy) / determinant
            let b2 = (stt * sqy - stq * sty) / determinant
            if b2 > 0 {
                leakSSE = max(0, syy - b1 * sty - b2 * sqy)
                extraParameterPenalty = 9.21 - 6.63
            }
        }
        var bestSSE = Double.infinity
        var bestTau = longest
        var tau = longest
        for _ in 0..<timeConstants {
            // One pass with x = e^(−(t − origin)/τ) built by multiplication: the points are
            // (nearly) evenly spaced, so the step factor is recomputed only when the spacing
            // changes — one exponential per τ instead of one per point.
            var sumX = 0.0, sumXX = 0.0, sumXY = 0.0
            var x = 1.0
            var previousTime = origin
            var step = 0.0
            var factor = 1.0
            for i in 0..<n {
                let p = point(i)
                let gap = p.time - previousTime
                if gap != step { step = gap; factor = ElementaryMath.exp(-gap / tau) }
                x *= factor
                previousTime = p.time
                let y = p.value - meanY
                sumX += x; sumXX += x * x; sumXY += x * y
            }
            let meanX = sumX / Double(n)
            let sxx = max(0, sumXX - sumX * meanX)
            let sxy = sumXY  // Σ(x − x̄)(y − ȳ) = Σx(y − ȳ), since Σ(y − ȳ) = 0
            // Rising towards a plateau: y falls as e^(−t/τ) falls, a negative coefficient; the
            // best curve with c ≥ 0 for rising data is flat (c = 0).
            let sse = sxx > 0 && sxy < 0 ? max(0, syy - sxy * sxy / sxx) : syy
            if sse < bestSSE { bestSSE = sse; bestTau = tau }
            tau /= 2
        }
        // The noise variance, from the line's residuals or — when smaller — from successive
        // differences about their mean (von Neumann): a rise that began inside the data (a hinge)
        // is fitted badly by the line too, and its residuals would overstate the noise.
        var meanDifference = 0.0
        for i in 1..<n { meanDifference += point(i).value - point(i - 1).value }
        meanDifference /= Double(n - 1)
        var differenceSquares = 0.0
        for i in 1..<n {
            let d = point(i).value - point(i - 1).value - meanDifference
            differenceSquares += d * d
        }
        let noise = min(leakSSE / Double(n - 3), differenceSquares / Double(2 * (n - 1)))
        let variance = noise * max(1, varianceInflation)
        guard variance > 0 else {
            return WarmUpJudgement(excess: bestSSE > leakSSE ? .infinity : 0, timeConstantSeconds: bestTau)
        }
        return WarmUpJudgement(excess: (bestSSE - leakSSE) / variance - extraParameterPenalty, timeConstantSeconds: bestTau)
    }
}
