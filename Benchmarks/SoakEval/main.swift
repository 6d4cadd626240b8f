// `make eval`: scores the streaming leak detector and two reference Prometheus alert rules on
// the labelled synthetic corpus (30-s samples over 36 h, families of shapes with randomised
// parameters): per family and over the union, on tuning seeds, leave-one-family-out, and on
// held-out seeds and held-out families.
//
//   SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--tuning-only] [--no-lofo]
//            [--earlier] [--verbose] [--set FIELD=VALUE]...
//   SoakEval --trace SHAPE-DRAW          every event on one tuning-corpus series
//   SoakEval --write-openmetrics FILE    the tuning corpus as an OpenMetrics backfill file
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LeakDetection
import LeakEvaluation

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
// Issue 15 (2026-12-04, written down and committed before any tuning of that round): the
// corpus was widened into families (CorpusShape.widened). Fresh held-out seeds 91711 and 38239,
// and two whole held-out families, twoStageWarmUp (healthy) and burstRetainedLeak (leak), are not
// looked at while tuning (`--tuning-only` leaves them out) and are run once at the round's end.
var heldOutSeeds: [UInt64] = [91711, 38239]
/// Families no tuning run sees: scored only in the held-out run.
let heldOutFamilies: [CorpusShape] = [.twoStageWarmUp, .burstRetainedLeak]
/// Held-out seeds of earlier rounds (they have been seen), reported with `--earlier`:
/// 52361 and 80849 were the held-out seeds of delay round 2's last configuration.
var earlierHeldOutSeeds: [UInt64] = [52361, 80849, 60221, 14142, 27182, 16180, 31415, 77003, 5151, 86027, 4242, 20261126]
var showEarlier = false
/// The families tuning runs see.
let tuningFamilies = CorpusShape.allCases.filter { !heldOutFamilies.contains($0) }
var verbose = false
/// Only the tuning seeds: for experiments, so the held-out seeds stay unseen until the final run.
var tuningOnly = false
var heldOutSeedsGiven = false
var traced: String?
var leaveOneOut = true
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
    case "--earlier": showEarlier = true
    case "--no-lofo": leaveOneOut = false
    case "--tuning-only": tuningOnly = true
    case "--trace": traced = arguments.removeFirst()
    case "--write-openmetrics": openMetricsPath = arguments.removeFirst()
    case "--set":
        // Overrides one configuration field for an experiment, e.g. --set leakZ=3.5.
        let pair = arguments.removeFirst().split(separator: "=").map(String.init)
        guard pair.count == 2, let number = Double(pair[1]) else { print("--set NAME=NUMBER"); exit(2) }
        guard configuration.set(pair[0], number) else { print("unknown field \(pair[0])"); exit(2) }
    default:
        print("usage: SoakEval [--draws N] [--tuning-seed S] [--held-out-seed S] [--tuning-only] [--earlier] [--no-lofo] [--verbose] [--set FIELD=VALUE]")
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

/// The finite samples of a series (gaps are NaN in the corpus), for the reference rules.
func finiteSamples(_ series: CorpusSeries) -> (timestamps: [Int64], values: [Double]) {
    var timestamps: [Int64] = [], values: [Double] = []
    for (i, value) in series.values.enumerated() where value.isFinite {
        timestamps.append(series.timestampMs(i))
        values.append(value)
    }
    return (timestamps, values)
}

/// The corpus of `seed` over `families`.
@MainActor func corpus(seed: UInt64, families: [CorpusShape]) -> SyntheticCorpus {
    SyntheticCorpus(seed: seed, drawsPerShape: draws, shapes: families)
}

func scoreRow(_ name: String, _ score: DetectionScore) -> String {
    padded(name, 28) + padded(formatted(score.precision, digits: 3), 11) + padded(formatted(score.recall, digits: 3), 8)
        + padded(formatted(score.f1, digits: 3), 7) + padded(String(score.falseAlarms), 14)
        + padded(formatted(score.delayHours(quantile: 0.5)) + " h", 14)
        + formatted(score.delayHours(quantile: 0.9)) + " h"
}

/// Per family: leak families show precision (alerts before onset or after a stopping leak's end
/// count against it), recall and delays; healthy families their false alarms and the precision
/// the whole corpus would have if every healthy family alarmed at this family's rate (a healthy
/// family alone has no true positives, so its own precision would be 0 or undefined).
func printFamilies(_ scores: [(CorpusShape, DetectionScore)], union: DetectionScore) {
    let healthyFamilies = scores.filter { !$0.0.isLeak }.count
    print(padded("family", 20) + padded("truth", 6) + padded("series", 7) + padded("alarms", 7) + padded("misses", 7)
          + padded("precision", 11) + padded("recall", 8) + padded("median", 9) + "p90")
    for (family, score) in scores {
        let precision: Double
        if family.isLeak {
            precision = score.precision
        } else {
            let scaled = Double(score.falseAlarms * healthyFamilies)
            let tp = Double(union.truePositives)
            precision = tp + scaled == 0 ? 1 : tp / (tp + scaled)
        }
        print(padded(family.rawValue, 20) + padded(family.isLeak ? "leak" : "ok", 6) + padded(String(score.series), 7)
              + padded(String(score.falseAlarms), 7) + padded(family.isLeak ? String(score.misses) : "", 7)
              + padded(formatted(precision, digits: 3), 11) + padded(family.isLeak ? formatted(score.recall, digits: 3) : "", 8)
              + padded(family.isLeak ? formatted(score.delayHours(quantile: 0.5)) + " h" : "", 9)
              + (family.isLeak ? formatted(score.delayHours(quantile: 0.9)) + " h" : ""))
    }
}

/// The detector's first alert on every series of `corpus`, in corpus order.
func detectorAlerts(_ corpus: SyntheticCorpus, _ configuration: DetectorConfiguration) -> [Int64?] {
    corpus.series.map { detectorFirstAlertMs($0, configuration: configuration) }
}

/// Scores of `alerts` per family (in `families` order) and over the union.
func familyScores(_ corpus: SyntheticCorpus, _ alerts: [Int64?], families: [CorpusShape]) -> ([(CorpusShape, DetectionScore)], DetectionScore) {
    var byFamily: [CorpusShape: DetectionScore] = [:]
    var union = DetectionScore()
    for (series, alert) in zip(corpus.series, alerts) where families.contains(series.shape) {
        byFamily[series.shape, default: DetectionScore()].record(series, firstAlertMs: alert)
        union.record(series, firstAlertMs: alert)
    }
    return (families.map { ($0, byFamily[$0] ?? DetectionScore()) }, union)
}

@MainActor func evaluate(seed: UInt64, title: String, families: [CorpusShape], rules: Bool, configuration: DetectorConfiguration) {
    let corpus = corpus(seed: seed, families: families)
    let leaks = corpus.series.filter(\.isLeak).count
    print("\n\(title): seed \(seed), \(families.count) families, \(corpus.series.count) series (\(leaks) leaks, \(corpus.series.count - leaks) healthy), 30 s × 36 h")
    let alerts = detectorAlerts(corpus, configuration)
    let (scores, ours) = familyScores(corpus, alerts, families: families)
    print(padded("method", 28) + padded("precision", 11) + padded("recall", 8) + padded("F1", 7)
          + padded("false alarms", 14) + padded("median delay", 14) + "p90 delay")
    print(scoreRow("SeriesDetector (ours)", ours))
    for original in [true, false] {
        let subset = families.filter { CorpusShape.original.contains($0) == original }
        guard !subset.isEmpty, subset.count < families.count else { continue }
        print(scoreRow(original ? "  original shapes" : "  widened families", familyScores(corpus, alerts, families: subset).1))
    }
    if rules {
        var derivRule = DetectionScore()
        var regressionRule = DetectionScore()
        for series in corpus.series {
            let (timestamps, values) = finiteSamples(series)
            derivRule.record(series, firstAlertMs: ReferenceRule.derivSixHours.firstFiringMs(timestampsMs: timestamps, values: values))
            regressionRule.record(series, firstAlertMs: ReferenceRule.regressionOneHour.firstFiringMs(timestampsMs: timestamps, values: values))
        }
        print(scoreRow(ReferenceRule.derivSixHours.name, derivRule))
        print(scoreRow(ReferenceRule.regressionOneHour.name, regressionRule))
    }
    printFamilies(scores, union: ours)
    if verbose {
        for (series, alert) in zip(corpus.series, alerts) {
            let onset = series.onsetMs.map { Double($0 - series.startMs) / 3_600_000 }
            let at = alert.map { Double($0 - series.startMs) / 3_600_000 }
            print("  \(padded(series.labels["instance"] ?? "", 24)) onset \(formatted(onset)) h  alert \(formatted(at)) h")
        }
    }
}

/// The configurations leave-one-family-out chooses among: the defaults and single changes of the
/// settings a tuning round moves (`LOFO_GRID` in docs/detection.md).
func leaveOneOutGrid(_ base: DetectorConfiguration) -> [(String, DetectorConfiguration)] {
    var grid: [(String, DetectorConfiguration)] = [("defaults", base)]
    let moves: [(String, Double)] = [("leakZ", 2.5), ("leakZ", 3.25), ("decelerationZ", 2), ("decelerationZ", 4),
                                     ("warmUpRejectionChiSquare", 3.84), ("warmUpRejectionChiSquare", 10.8),
                                     ("maximumWarmUpTimeConstantSeconds", 3 * 3600), ("maximumWarmUpTimeConstantSeconds", 0)]
    for (field, value) in moves {
        var configuration = base
        guard configuration.set(field, value) else { continue }
        grid.append(("\(field)=\(formatted(value))", configuration))
    }
    return grid
}

/// Leave-one-family-out on the tuning corpus: for each family, the configuration of the grid
/// with the best F1 (then the shorter median delay) on all other families, scored on that one.
@MainActor func leaveOneFamilyOut(seed: UInt64, families: [CorpusShape], base: DetectorConfiguration) {
    let corpus = corpus(seed: seed, families: families)
    let grid = leaveOneOutGrid(base)
    print("\nLeave-one-family-out: seed \(seed), \(grid.count) configurations (\(grid.map(\.0).joined(separator: ", ")))")
    let alerts = grid.map { detectorAlerts(corpus, $0.1) }
    var scored: [(CorpusShape, DetectionScore)] = []
    var union = DetectionScore()
    var chosenNames: [(String, String)] = []
    for family in families {
        let others = families.filter { $0 != family }
        var best = 0
        var bestKey = (-1.0, -Double.infinity)
        for (i, a) in alerts.enumerated() {
            let score = familyScores(corpus, a, families: others).1
            let key = (score.f1, -(score.delayHours(quantile: 0.5) ?? 99))
            if key > bestKey { bestKey = key; best = i }
        }
        let score = familyScores(corpus, alerts[best], families: [family])
        scored.append((family, score.1))
        chosenNames.append((family.rawValue, grid[best].0))
        for (series, alert) in zip(corpus.series, alerts[best]) where series.shape == family {
            union.record(series, firstAlertMs: alert)
        }
    }
    print(scoreRow("each family left out", union))
    printFamilies(scored, union: union)
    var byChoice: [String: [String]] = [:]
    for (family, choice) in chosenNames { byChoice[choice, default: []].append(family) }
    for (choice, families) in byChoice.sorted(by: { $0.key < $1.key }) {
        print("  chosen \(choice) when leaving out: \(families.count > 6 ? "\(families.count) families" : families.joined(separator: ", "))")
    }
}

if let openMetricsPath {
    // Writes the tuning corpus as an OpenMetrics backfill file, for `soak analyze`.
    let corpus = corpus(seed: tuningSeed, families: tuningFamilies)
    let text = SyntheticCorpus.openMetricsText(corpus.series)
    guard let file = fopen(openMetricsPath, "w") else { print("cannot write \(openMetricsPath)"); exit(1) }
    fputs(text, file)
    fclose(file)
    print("wrote \(corpus.series.count) series to \(openMetricsPath)")
    exit(0)
}
if let traced {
    // Prints every event the detector raises on one series of the tuning corpus (e.g. linearLeak-3).
    let corpus = corpus(seed: tuningSeed, families: CorpusShape.allCases)
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
print("SoakEval — leak detection on the labelled synthetic corpus (\(draws) draws per family)")
print("held-out families (not in tuning runs): \(heldOutFamilies.map(\.rawValue).joined(separator: ", "))")
evaluate(seed: tuningSeed, title: "Tuning corpus", families: tuningFamilies, rules: true, configuration: configuration)
evaluate(seed: secondTuningSeed, title: "Tuning corpus (second seed)", families: tuningFamilies, rules: false, configuration: configuration)
if leaveOneOut { leaveOneFamilyOut(seed: tuningSeed, families: tuningFamilies, base: configuration) }
if tuningOnly { exit(0) }
for seed in heldOutSeeds {
    evaluate(seed: seed, title: "Held-out corpus, every family", families: CorpusShape.allCases, rules: true, configuration: configuration)
}
for seed in [tuningSeed, secondTuningSeed] {
    evaluate(seed: seed, title: "Held-out families on a tuning seed", families: heldOutFamilies, rules: false, configuration: configuration)
}
if showEarlier {
    for seed in earlierHeldOutSeeds {
        evaluate(seed: seed, title: "Earlier held-out corpus (seen before)", families: CorpusShape.allCases, rules: false, configuration: configuration)
    }
}
