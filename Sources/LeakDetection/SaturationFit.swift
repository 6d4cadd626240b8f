/// Recognises a warm-up levelling off: y = a + c·e^(−(t − t₀)/τ) with c < 0 (a rise that slows
/// towards a plateau), fitted for a few fixed time constants by one linear regression each.
///
/// The detector uses it to refuse warm-ups and cache fills as leaks; the version comparison uses
/// it to find where a run's warm-up ends. An exponential has the same shape wherever it is
/// observed, so no knowledge of when filling began is needed.
enum SaturationFit {
    /// Multiples of the configured warm-up tried as time constants, shortest first.
    static let timeConstantMultiples: [Double] = [0.25, 0.5, 1, 1.5, 2, 3]

    /// A time constant (of `multiples` × `warmUpSeconds`) whose rising exponential leaves less
    /// than `dominance` × `lineSSE` (the straight line's residual sum of squares over the same
    /// points), or nil: the first such in order (all the detector needs to know), or with
    /// `best` the one that fits best (where a warm-up ends). Times are measured from `times[0]`.
    static func levellingOffTimeConstant(times: UnsafeBufferPointer<Double>, levels: UnsafeBufferPointer<Double>,
                                         warmUpSeconds: Double, lineSSE: Double, dominance: Double,
                                         multiples: [Double] = timeConstantMultiples, best: Bool = false) -> Double? {
        let n = times.count
        guard n >= 6, dominance > 0, lineSSE > 0 else { return nil }
        let origin = times[0]
        var bestFit: (tau: Double, sse: Double)?
        for multiple in multiples {
            let tau = multiple * warmUpSeconds
            // Simple regression of the levels on x = e^(−(t − origin)/τ), in centred sums.
            var meanX = 0.0
            var meanY = 0.0
            for i in 0..<n {
                meanX += ElementaryMath.exp(-(times[i] - origin) / tau)
                meanY += levels[i]
            }
            meanX /= Double(n)
            meanY /= Double(n)
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for i in 0..<n {
                let x = ElementaryMath.exp(-(times[i] - origin) / tau) - meanX
                let y = levels[i] - meanY
                sxx += x * x; sxy += x * y; syy += y * y
            }
            // Rising means y falls as x = e^(−t/τ) falls: a negative coefficient.
            guard sxx > 0, sxy < 0 else { continue }
            let curveSSE = max(0, syy - sxy * sxy / sxx)
            guard curveSSE < dominance * lineSSE else { continue }
            if !best { return tau }
            if bestFit == nil || curveSSE < bestFit!.sse { bestFit = (tau, curveSSE) }
        }
        return bestFit?.tau
    }
}
