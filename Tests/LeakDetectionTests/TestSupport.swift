@testable import LeakDetection
import LeakEvaluation

/// Two-pass float64 least-squares slope: the reference the streaming moments must match.
func twoPassSlope(times: [Double], values: [Double]) -> Double {
    let n = Double(times.count)
    let meanT = times.reduce(0, +) / n
    let meanV = values.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    for (t, v) in zip(times, values) {
        sxy += (t - meanT) * (v - meanV)
        sxx += (t - meanT) * (t - meanT)
    }
    return sxy / sxx
}

func relativeDifference(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(abs(a), abs(b), .leastNormalMagnitude)
}

/// Feeds `values` at `spacingSeconds` from `startMs` and returns every event with its timestamp.
func replay(_ detector: inout SeriesDetector, values: [Double], spacingSeconds: Double = 30,
            startMs: Int64 = 1_767_225_600_000) -> [(timestampMs: Int64, event: DetectorEvent)] {
    var events: [(Int64, DetectorEvent)] = []
    for (i, value) in values.enumerated() {
        let timestampMs = startMs + Int64(Double(i) * spacingSeconds * 1000)
        if let event = detector.observe(timestampMs: timestampMs, value: value) { events.append((timestampMs, event)) }
    }
    return events
}

/// Timestamps of the leak alerts among `events`.
func leakAlerts(_ events: [(timestampMs: Int64, event: DetectorEvent)]) -> [Int64] {
    events.compactMap { if case .leakAlert = $0.event { return $0.timestampMs } else { return nil } }
}

/// The segment-start reasons among `events`.
func segmentStarts(_ events: [(timestampMs: Int64, event: DetectorEvent)]) -> [SegmentBreak] {
    events.compactMap { if case .segmentStarted(let reason, _) = $0.event { return reason } else { return nil } }
}

/// `count` samples 30 s apart of `shape(hours)` times (1 + σ·noise) with deterministic noise.
func series(count: Int, noise sigma: Double, seed: UInt64 = 7, spacingSeconds: Double = 30,
            _ shape: (Double) -> Double) -> [Double] {
    var random = SeededGenerator(seed: seed)
    return (0..<count).map { i in shape(Double(i) * spacingSeconds / 3600) * (1 + sigma * random.normal()) }
}

/// 30-s samples of an Ornstein–Uhlenbeck (mean-reverting) level around `level`: stationary spread
/// `spread` and correlation time `tauHours`, times (1 + white scrape noise of `white`); all
/// fractions of the level.
func meanRevertingSeries(hours: Double, tauHours: Double, spread: Double, white: Double = 0.005,
                         seed: UInt64, level: Double = 1e9) -> [Double] {
    var random = SeededGenerator(seed: seed)
    let decay = ElementaryMath.exp(-30 / (tauHours * 3600))
    let innovation = spread * (1 - decay * decay).squareRoot()
    var x = spread * random.normal()
    return (0..<Int(hours * 120)).map { _ in
        x = x * decay + innovation * random.normal()
        return level * (1 + x) * (1 + white * random.normal())
    }
}
