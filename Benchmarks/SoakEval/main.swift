// `make eval`: scores the streaming leak detector and two reference Prometheus alert rules on
// the labelled synthetic corpus (30-s samples over 36 h), for a tuning seed and a held-out seed.
//
//   SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--verbose] [--set FIELD=VALUE]...
//   SoakEval --trace SHAPE-DRAW          every event on one tuning-corpus series
//   SoakEval --write-openmetrics FILE    the tuning corpus as an OpenMetrics backfill file
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeakDetection

var draws = 20
var tuningSeed: UInt64 = 1
// Seed 2 was also looked at (traced) while tuning, so it is reported as tuning too.
var secondTuningSeed: UInt64 = 2
// Held-out seeds are used once per configuration and then retired: 20261126 and 4242 were the
// held-out seeds of earlier configurations; 5151 and 86027 were chosen before the AR(1)
// persistence and deceleration round and run once at its end. 31415 and 77003 were written down
// (2026-11-26 06:18 UTC, commit d9b74cd) before the first delay round and run once at its end
// (no default changed). 27182 and 16180 were written down (06:45 UTC, commit a7e29e1) and run once
// (09:29 UTC) on the second delay round's first configuration (commit 8cf7733: precision
// 0.968 / 0.975, median delay 1.87 / 2.0 h). 60221 and 14142 were written down then (09:30 UTC,
// before any further tuning) and are the held-out seeds of the configuration that followed.
// 60221 and 14142 were run once (10:09 UTC, commit a6afa5f: precision
// 0.983 / 0.992, recall 0.992 / 1.0, median delay 1.83 / 1.85 h); a fault was then found (the
// memory level's ρ overrode the white-noise test) and 52361 and 80849 were written down
// (10:27 UTC, before re-tuning) for the configuration that follows the fix.
var heldOutSeeds: [UInt64] = [52361, 80849]
/// Held-out seeds of earlier rounds, reported for comparison (they have been seen).
var earlierHeldOutSeeds: [UInt64] = [60221, 14142, 27182, 16180, 31415, 77003, 5151, 86027, 4242, 20261126]
var verbose = false
/// Only the tuning seeds: for experiments, so the held-out seeds stay unseen until the final run.
var tuningOnly = false
var heldOutSeedsGiven = false
var traced: String?
var openMetricsPath: String?
var configuration = DetectorConfiguration()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    switch flag {
    case "--draws": draws = Int(arguments.removeFirst()) ?? draws
    case "--tuning-seed": tuningSeed = UInt64(arguments.removeFirst()) ?? tuningSeed
    case "--held-out-seed":
        // Replaces the held-out seeds by this one (repeat the flag for several).
        if let seed = UInt64(arguments.removeFirst()) {
            if heldOutSeedsGiven { heldOutSeeds.append(seed) } else { heldOutSeeds = [seed]; heldOutSeedsGiven = true }
            earlierHeldOutSeeds = []
        }
    case "--verbose": verbose = true
    case "--tuning-only": tuningOnly = true
    case "--trace": traced = arguments.removeFirst()
    case "--write-openmetrics": openMetricsPath = arguments.removeFirst()
    case "--set":
        // Overrides one configuration field for an experiment, e.g. --set leakZ=3.5.
        let pair = arguments.removeFirst().split(separator: "=").map(String.init)
        guard pair.count == 2, let number = Double(pair[1]) else { print("--set NAME=NUMBER"); exit(2) }
        switch pair[0] {
        case "leakZ": configuration.leakZ = number
        case "suspectZ": configuration.suspectZ = number
        case "confirmBuckets": configuration.confirmBuckets = Int(number)
        case "fastWarmUpGrowthPercentPerHour": configuration.fastWarmUpGrowthPercentPerHour = number
        case "maximumVarianceInflation": configuration.maximumVarianceInflation = number
        case "continuationRatio": configuration.continuationRatio = number
        case "warmUpSeconds": configuration.warmUpSeconds = number
        case "bucketSeconds": configuration.bucketSeconds = number
        case "windowBuckets": configuration.windowBuckets = Int(number)
        case "minimumJudgedBuckets": configuration.minimumJudgedBuckets = Int(number)
        case "stepDominance": configuration.stepDominance = number
        case "cycleSwingPercent": configuration.cycleSwingPercent = number
        case "minimumGrowthPercentPerHour": configuration.minimumGrowthPercentPerHour = number
        case "trendInvariantSerialCorrelation": configuration.trendInvariantSerialCorrelation = number != 0
        case "decelerationZ": configuration.decelerationZ = number
        case "whiteNoiseZ": configuration.whiteNoiseZ = number
        case "saturationDominance": configuration.saturationDominance = number
        case "removeWhiteNoiseFromPersistence": configuration.removeWhiteNoiseFromPersistence = number != 0
        case "persistenceFromBothLevels": configuration.persistenceFromBothLevels = number != 0
        case "olderHalfSerialCorrelation": configuration.olderHalfSerialCorrelation = number != 0
        case "recentLeakZ": configuration.recentLeakZ = number
        case "cycleSlopeErrors": configuration.cycleSlopeErrors = number
        case "differenceClipMADs": configuration.differenceClipMADs = number
        case "chooseMemoryLevel": configuration.chooseMemoryLevel = number != 0
        default: print("unknown field \(pair[0])"); exit(2)
        }
    default:
        print("usage: SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--tuning-only] [--verbose] [--set FIELD=VALUE]")
        exit(2)
    }
}

/// The first leak alert the streaming detector raises when the series is replayed sample by sample.
func detectorFirstAlertMs(_ series: CorpusSeries, configuration: DetectorConfiguration) -> Int64? {
    let resource = ResourceClassifier().kind(of: series.name) ?? .other
    var detector = SeriesDetector(configuration: configuration, resource: resource)
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

func evaluate(seed: UInt64, title: String, draws: Int, verbose: Bool, configuration: DetectorConfiguration) {
    let corpus = SyntheticCorpus(seed: seed, drawsPerShape: draws)
    let leaks = corpus.series.filter(\.isLeak).count
    print("\n\(title): seed \(seed), \(corpus.series.count) series (\(leaks) leaks, \(corpus.series.count - leaks) healthy), 30 s × 36 h")
    var ours = DetectionScore()
    var derivRule = DetectionScore()
    var regressionRule = DetectionScore()
    for series in corpus.series {
        let timestamps = (0..<series.values.count).map(series.timestampMs)
        let alert = detectorFirstAlertMs(series, configuration: configuration)
        ours.record(series, firstAlertMs: alert)
        derivRule.record(series, firstAlertMs: ReferenceRule.derivSixHours.firstFiringMs(timestampsMs: timestamps, values: series.values))
        regressionRule.record(series, firstAlertMs: ReferenceRule.regressionOneHour.firstFiringMs(timestampsMs: timestamps, values: series.values))
        if verbose {
            let onset = series.onsetMs.map { Double($0 - series.startMs) / 3_600_000 }
            let at = alert.map { Double($0 - series.startMs) / 3_600_000 }
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
    func byShape(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
    print("  ours: false alarms by shape: \(byShape(ours.falseAlarmShapes)); misses by shape: \(byShape(ours.missedShapes))")
}

if let openMetricsPath {
    // Writes the tuning corpus as an OpenMetrics backfill file, for `soak analyze`.
    let corpus = SyntheticCorpus(seed: tuningSeed, drawsPerShape: draws)
    let text = SyntheticCorpus.openMetricsText(corpus.series)
    guard let file = fopen(openMetricsPath, "w") else { print("cannot write \(openMetricsPath)"); exit(1) }
    fputs(text, file)
    fclose(file)
    print("wrote \(corpus.series.count) series to \(openMetricsPath)")
    exit(0)
}
if let traced {
    // Prints every event the detector raises on one series of the tuning corpus (e.g. linearLeak-3).
    let corpus = SyntheticCorpus(seed: tuningSeed, drawsPerShape: draws)
    guard let series = corpus.series.first(where: { $0.labels["instance"] == traced }) else { print("no series \(traced)"); exit(2) }
    var detector = SeriesDetector(configuration: configuration, resource: ResourceClassifier().kind(of: series.name) ?? .other)
    for (i, value) in series.values.enumerated() {
        let hours = formatted(Double(series.timestampMs(i) - series.startMs) / 3_600_000)
        switch detector.observe(timestampMs: series.timestampMs(i), value: value) {
        case .suspected(let a)?, .leakAlert(let a)?, .resolved(let a)?:
            print("\(hours) h \(detector.verdict) growth \(formatted(a.growthPercentPerHour)) %/h z \(formatted(a.trendZ)) continuation \(formatted(a.continuationRatio)) window \(formatted(a.windowSeconds / 3600)) h")
        case .segmentStarted(let reason, _)?: print("\(hours) h segment: \(reason)")
        case .cleared?: print("\(hours) h cleared")
        case nil: break
        }
    }
    exit(0)
}
print("SoakEval — leak detection on the labelled synthetic corpus (\(draws) draws per shape)")
evaluate(seed: tuningSeed, title: "Tuning corpus", draws: draws, verbose: verbose, configuration: configuration)
evaluate(seed: secondTuningSeed, title: "Tuning corpus (second seed)", draws: draws, verbose: verbose, configuration: configuration)
if tuningOnly { exit(0) }
for seed in heldOutSeeds {
    evaluate(seed: seed, title: "Held-out corpus", draws: draws, verbose: verbose, configuration: configuration)
}
for seed in earlierHeldOutSeeds {
    evaluate(seed: seed, title: "Earlier held-out corpus (seen before)", draws: draws, verbose: false, configuration: configuration)
}
