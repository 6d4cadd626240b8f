// `make eval`: scores the streaming leak detector and two reference Prometheus alert rules on
// the labelled synthetic corpus (30-s samples over 36 h), for a tuning seed and a held-out seed.
//
//   SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--verbose]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeakDetection

var draws = 20
var tuningSeed: UInt64 = 1
var heldOutSeed: UInt64 = 20_261_126
var verbose = false
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--draws": draws = Int(arguments.removeFirst()) ?? draws
    case "--tuning-seed": tuningSeed = UInt64(arguments.removeFirst()) ?? tuningSeed
    case "--held-out-seed": heldOutSeed = UInt64(arguments.removeFirst()) ?? heldOutSeed
    case "--verbose": verbose = true
    default:
        print("usage: SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--verbose]")
        exit(2)
    }
}

/// The first leak alert the streaming detector raises when the series is replayed sample by sample.
func detectorFirstAlertMs(_ series: CorpusSeries, configuration: DetectorConfiguration) -> Int64? {
    var detector = SeriesDetector(configuration: configuration, resource: .memory)
    for (i, value) in series.values.enumerated() {
        let timestampMs = series.timestampMs(i)
        if case .leakAlert? = detector.observe(timestampMs: timestampMs, value: value) { return timestampMs }
    }
    return nil
}

func formatted(_ value: Double?, digits: Int = 2) -> String {
    guard let value else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return String(rounded)
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func evaluate(seed: UInt64, title: String, draws: Int, verbose: Bool) {
    let corpus = SyntheticCorpus(seed: seed, drawsPerShape: draws)
    let leaks = corpus.series.filter(\.isLeak).count
    print("\n\(title): seed \(seed), \(corpus.series.count) series (\(leaks) leaks, \(corpus.series.count - leaks) healthy), 30 s × 36 h")
    var ours = DetectionScore()
    var derivRule = DetectionScore()
    var regressionRule = DetectionScore()
    let configuration = DetectorConfiguration()
    for series in corpus.series {
        let timestamps = (0..<series.values.count).map(series.timestampMs)
        let alert = detectorFirstAlertMs(series, configuration: configuration)
        ours.record(series, firstAlertMs: alert)
        derivRule.record(series, firstAlertMs: ReferenceRule.derivSixHours.firstFiringMs(timestampsMs: timestamps, values: series.values))
        regressionRule.record(series, firstAlertMs: ReferenceRule.regressionOneHour.firstFiringMs(timestampsMs: timestamps, values: series.values))
        if verbose {
            let onset = series.onsetMs.map { Double($0 - series.startMs) / 3600 }
            let at = alert.map { Double($0 - series.startMs) / 3600 }
            print("  \(padded(series.labels["instance"] ?? "", 22)) onset \(formatted(onset)) h  alert \(formatted(at)) h")
        }
    }
    print(padded("method", 28) + padded("precision", 11) + padded("recall", 8) + padded("F1", 7)
          + padded("false alarms", 14) + padded("median delay", 14) + "p90 delay")
    for (name, score) in [("SeriesDetector (ours)", ours), (ReferenceRule.derivSixHours.name, derivRule),
                          (ReferenceRule.regressionOneHour.name, regressionRule)] {
        print(padded(name, 28) + padded(formatted(score.precision, digits: 3), 11) + padded(formatted(score.recall, digits: 3), 8)
              + padded(formatted(score.f1, digits: 3), 7) + padded(String(score.falseAlarms), 14)
              + padded(formatted(score.delayHours(quantile: 0.5)) + " h", 14)
              + formatted(score.delayHours(quantile: 0.9)) + " h")
    }
    print("  ours: false alarms by shape \(ours.falseAlarmShapes.sorted { $0.key < $1.key }), misses \(ours.missedShapes.sorted { $0.key < $1.key })")
}

print("SoakEval — leak detection on the labelled synthetic corpus (\(draws) draws per shape)")
evaluate(seed: tuningSeed, title: "Tuning corpus", draws: draws, verbose: verbose)
evaluate(seed: heldOutSeed, title: "Held-out corpus", draws: draws, verbose: verbose)
