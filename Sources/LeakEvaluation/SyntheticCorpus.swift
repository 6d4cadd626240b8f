import LeakDetection
import SoakModel

/// The shapes of the labelled synthetic corpus: what healthy components and leaking ones look
/// like in soak metrics.
public enum CorpusShape: String, Sendable, CaseIterable {
    // Healthy: none of these may raise an alert.
    case flatNoise, gcSawtooth, saturatingWarmUp, singleStep, diurnalCycle, meanReverting
    case restartThenWarmUp, fdChurn, goroutineChurn
    // Leaks: each must raise one, after its onset.
    case linearLeak, sawtoothLeak, staircaseLeak, lateOnsetLeak, fdDrift, goroutineDrift

    // The widened families (issue 15), with parameter ranges well beyond the shapes above.
    // Healthy: each settles or returns within the run.
    case warmUp, sawtoothWarmUp, logisticWarmUp, twoStageWarmUp, levelShift, spikes
    case recedingBursts, dailyWeeklyCycle, lowCountChurn, gappyWarmUp
    // Leaks: growth that does not stop by itself within the run, or stops only after its onset.
    case leakUnderCycles, stoppingLeak, lateStartLeak, longStepStaircase, oomRestartCycles
    case burstRetainedLeak, lowCountDrift, warmUpThenLeak

    /// The shapes of the corpus before issue 15 (the tuning history in docs/detection.md).
    public static let original: [CorpusShape] = [
        .flatNoise, .gcSawtooth, .saturatingWarmUp, .singleStep, .diurnalCycle, .meanReverting,
        .restartThenWarmUp, .fdChurn, .goroutineChurn,
        .linearLeak, .sawtoothLeak, .staircaseLeak, .lateOnsetLeak, .fdDrift, .goroutineDrift,
    ]

    /// The widened families added for issue 15.
    public static let widened: [CorpusShape] = allCases.filter { !original.contains($0) }

    /// True for the leak shapes, by the corpus' one rule: a **leak** is growth of at least
    /// 0.25 %/h of the level that does not stop by itself within the run (including growth that
    /// ends only in an OOM kill and starts again, and growth during bursts that is never given
    /// back); **healthy** is everything that settles or returns (warm-ups with a time constant
    /// up to a quarter of the run, single level shifts, cycles, spikes, receding bursts, churn).
    /// A leak that stops inside the run counts as found when alerted between onset and end.
    public var isLeak: Bool {
        switch self {
        case .linearLeak, .sawtoothLeak, .staircaseLeak, .lateOnsetLeak, .fdDrift, .goroutineDrift: true
        case .leakUnderCycles, .stoppingLeak, .lateStartLeak, .longStepStaircase, .oomRestartCycles,
             .burstRetainedLeak, .lowCountDrift, .warmUpThenLeak: true
        default: false
        }
    }
}

/// One labelled series of the corpus: evenly spaced values and the truth about them.
public struct CorpusSeries: Sendable {
    /// Metric name, which decides the resource kind (memory, fds, goroutines).
    public var name: String
    /// `job`, `instance` (shape-draw), `shape` and `truth` (leak/ok).
    public var labels: [String: String]
    /// The shape drawn.
    public var shape: CorpusShape
    /// When the leak began (ms since the epoch); nil for healthy series.
    public var onsetMs: Int64?
    /// When a leak that stops inside the run stopped (an alert after it is late, not found);
    /// nil for leaks that run to the end and for healthy series.
    public var leakEndMs: Int64?
    /// Timestamp of the first value, ms since the epoch.
    public var startMs: Int64
    /// Spacing of the values.
    public var spacingMs: Int64
    /// The values, evenly spaced; NaN where the series has a gap (nothing was scraped).
    public var values: [Double]

    /// A labelled series; `onsetMs` nil for healthy ones.
    public init(name: String, labels: [String: String], shape: CorpusShape, onsetMs: Int64?,
                leakEndMs: Int64? = nil, startMs: Int64, spacingMs: Int64, values: [Double]) {
        self.name = name
        self.labels = labels
        self.shape = shape
        self.onsetMs = onsetMs
        self.leakEndMs = leakEndMs
        self.startMs = startMs
        self.spacingMs = spacingMs
        self.values = values
    }

    /// True for the leak shapes.
    public var isLeak: Bool { shape.isLeak }

    /// Timestamp of value `i`.
    public func timestampMs(_ i: Int) -> Int64 { startMs + Int64(i) * spacingMs }
}

/// A deterministic, labelled corpus of healthy and leaking series for evaluating the detector
/// (and for demo exporters): every ``CorpusShape`` drawn `drawsPerShape` times with random
/// parameters from `seed`. The defaults are the issue's: 30-s spacing over 36 h.
public struct SyntheticCorpus: Sendable {
    /// The seed every parameter and noise value was drawn from.
    public let seed: UInt64
    /// Every shape's draws, shape by shape.
    public let series: [CorpusSeries]

    /// 2026-01-01T00:00:00Z: a fixed start so files and timestamps are reproducible.
    public static let defaultStartMs: Int64 = 1_767_225_600_000

    /// Draws the corpus: `drawsPerShape` series of each of `shapes`, `durationSeconds` long.
    public init(seed: UInt64, drawsPerShape: Int = 8, durationSeconds: Double = 36 * 3600,
                spacingSeconds: Double = 30, startMs: Int64 = SyntheticCorpus.defaultStartMs,
                shapes: [CorpusShape] = CorpusShape.original) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        let count = Int(durationSeconds / spacingSeconds)
        var all: [CorpusSeries] = []
        for shape in shapes {
            for draw in 0..<drawsPerShape {
                var generator = SeriesGenerator(
                    shape: shape, draw: draw, count: count, spacingSeconds: spacingSeconds,
                    random: SeededGenerator(seed: random.next()))
                let values = generator.generate()
                let onsetMs = generator.onsetSeconds.map { startMs + Int64($0 * 1000) }
                var drawn = CorpusSeries(
                    name: generator.metricName,
                    labels: ["job": "corpus", "instance": "\(shape.rawValue)-\(draw)", "shape": shape.rawValue,
                             "truth": shape.isLeak ? "leak" : "ok"],
                    shape: shape, onsetMs: onsetMs, startMs: startMs,
                    spacingMs: Int64(spacingSeconds * 1000), values: values)
                drawn.leakEndMs = generator.leakEndSeconds.map { startMs + Int64($0 * 1000) }
                all.append(drawn)
            }
        }
        series = all
    }

    /// The corpus as an OpenMetrics backfill file (what `promtool tsdb create-blocks-from
    /// openmetrics` reads): one `# TYPE name gauge` per metric, each series' samples contiguous
    /// with timestamps in seconds, and the mandatory `# EOF`.
    public static func openMetricsText(_ series: [CorpusSeries]) -> String {
        var byName: [String: [CorpusSeries]] = [:]
        var order: [String] = []
        for s in series {
            if byName[s.name] == nil { order.append(s.name) }
            byName[s.name, default: []].append(s)
        }
        var text = ""
        for name in order {
            text += "# TYPE \(name) gauge\n"
            for s in byName[name] ?? [] {
                let labelText = s.labels.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\"\(QuotedText.escaped($0.value))\"" }.joined(separator: ",")
                let prefix = labelText.isEmpty ? name : "\(name){\(labelText)}"
                for (i, value) in s.values.enumerated() where value.isFinite {
                    text += "\(prefix) \(value) \(seconds(s.timestampMs(i)))\n"
                }
            }
        }
        text += "# EOF\n"
        return text
    }

    private static func seconds(_ ms: Int64) -> String {
        let whole = ms / 1000
        let fraction = ms % 1000
        guard fraction != 0 else { return String(whole) }
        let digits = String(fraction)
        return "\(whole).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }
}

/// Draws one series of a shape. Parameters are chosen per draw; the ranges are the corpus' claim
/// about the world and are documented in docs/detection.md.
struct SeriesGenerator {
    let shape: CorpusShape
    let draw: Int
    let count: Int
    let spacingSeconds: Double
    var random: SeededGenerator
    var onsetSeconds: Double?
    /// Where a leak that stops inside the run stops.
    var leakEndSeconds: Double?

    init(shape: CorpusShape, draw: Int, count: Int, spacingSeconds: Double, random: SeededGenerator) {
        self.shape = shape
        self.draw = draw
        self.count = count
        self.spacingSeconds = spacingSeconds
        self.random = random
        onsetSeconds = shape.isLeak ? 0 : nil
    }

    var metricName: String {
        switch shape {
        case .fdChurn, .fdDrift: "process_open_fds"
        case .goroutineChurn, .goroutineDrift: "go_goroutines"
        case .lowCountChurn, .lowCountDrift: ["process_open_fds", "go_goroutines", "go_threads"][draw % 3]
        default:
            ["process_resident_memory_bytes", "go_memstats_heap_inuse_bytes",
             "container_memory_working_set_bytes"][draw % 3]
        }
    }

    func time(_ i: Int) -> Double { Double(i) * spacingSeconds }

    mutating func generate() -> [Double] {
        let level = random.logUniform(50e6, 2e9)
        if CorpusShape.widened.contains(shape) { return generateWidened(level: level) }
        switch shape {
        case .flatNoise:
            let sigma = random.uniform(0.005, 0.02)
            return (0..<count).map { _ in level * (1 + sigma * random.normal()) }
        case .gcSawtooth:
            return sawtooth(floor: { _ in level })
        case .saturatingWarmUp:
            let base = random.uniform(0.3, 0.8)
            let tau = random.uniform(15, 90) * 60
            let sigma = random.uniform(0.003, 0.015)
            return (0..<count).map { i in
                level * (base + (1 - base) * (1 - ElementaryMath.exp(-time(i) / tau))) * (1 + sigma * random.normal())
            }
        case .singleStep:
            let stepAt = random.uniform(3, 30) * 3600
            let size = random.uniform(0.05, 0.4)
            let sigma = random.uniform(0.003, 0.015)
            return (0..<count).map { i in
                level * (time(i) >= stepAt ? 1 + size : 1) * (1 + sigma * random.normal())
            }
        case .diurnalCycle:
            let amplitude = random.uniform(0.01, 0.04)
            let phase = random.uniform(0, ElementaryMath.twoPi)
            let sigma = random.uniform(0.003, 0.015)
            return (0..<count).map { i in
                level * (1 + amplitude * ElementaryMath.sin(ElementaryMath.twoPi * time(i) / 86400 + phase))
                    * (1 + sigma * random.normal())
            }
        case .meanReverting:
            let tau = random.uniform(0.5, 3) * 3600
            let spread = random.uniform(0.02, 0.06)
            let decay = ElementaryMath.exp(-spacingSeconds / tau)
            let innovation = spread * (1 - decay * decay).squareRoot()
            var x = spread * random.normal()
            return (0..<count).map { _ in
                x = x * decay + innovation * random.normal()
                return level * (1 + x) * (1 + 0.005 * random.normal())
            }
        case .restartThenWarmUp:
            let restartAt = random.uniform(6, 30) * 3600
            let base = random.uniform(0.2, 0.45)
            let tau = random.uniform(10, 60) * 60
            let sigma = random.uniform(0.003, 0.015)
            return (0..<count).map { i in
                let t = time(i)
                let shapeValue = t < restartAt ? 1 : base + (1 - base) * (1 - ElementaryMath.exp(-(t - restartAt) / tau))
                return level * shapeValue * (1 + sigma * random.normal())
            }
        case .fdChurn:
            let lambda = random.uniform(30, 400)
            return (0..<count).map { _ in random.poisson(lambda) }
        case .goroutineChurn:
            let lambda = random.logUniform(50, 3000)
            return (0..<count).map { _ in random.poisson(lambda) }
        case .linearLeak:
            let rate = random.logUniform(0.005, 0.10)
            let sigma = random.uniform(0.005, 0.02)
            return (0..<count).map { i in level * (1 + rate * time(i) / 3600) * (1 + sigma * random.normal()) }
        case .sawtoothLeak:
            let rate = random.logUniform(0.005, 0.10)
            return sawtooth(floor: { t in level * (1 + rate * t / 3600) })
        case .staircaseLeak:
            let interval = random.uniform(1, 3) * 3600
            let rate = random.logUniform(0.01, 0.06)
            let sigma = random.uniform(0.003, 0.015)
            var nextStep = interval * random.uniform(0.5, 1.0)
            onsetSeconds = nextStep
            var height = 1.0
            return (0..<count).map { i in
                if time(i) >= nextStep {
                    let gap = interval * random.uniform(0.7, 1.3)
                    height += rate * gap / 3600
                    nextStep += gap
                }
                return level * height * (1 + sigma * random.normal())
            }
        case .lateOnsetLeak:
            let onset = random.uniform(6, 24) * 3600
            onsetSeconds = onset
            let rate = random.logUniform(0.01, 0.10)
            let sigma = random.uniform(0.005, 0.015)
            return (0..<count).map { i in
                level * (1 + rate * max(0, time(i) - onset) / 3600) * (1 + sigma * random.normal())
            }
        case .fdDrift:
            let lambda = random.uniform(50, 400)
            let rate = random.logUniform(0.01, 0.10)
            return (0..<count).map { i in random.poisson(lambda * (1 + rate * time(i) / 3600)) }
        case .goroutineDrift:
            let lambda = random.logUniform(100, 3000)
            let rate = random.logUniform(0.01, 0.10)
            return (0..<count).map { i in random.poisson(lambda * (1 + rate * time(i) / 3600)) }
        default:
            return generateWidened(level: level)
        }
    }

    /// A GC sawtooth over `floor(t)`: the heap climbs by 10–50 % over a 1–8 min cycle (each cycle
    /// ±20 % long), then a collection drops it back to the floor.
    mutating func sawtooth(floor: (Double) -> Double) -> [Double] {
        let amplitude = random.uniform(0.1, 0.5)
        let period = random.uniform(60, 480)
        var cycleStart = -random.uniform(0, period)
        var cycleLength = period
        return (0..<count).map { i in
            let t = time(i)
            while t - cycleStart >= cycleLength {
                cycleStart += cycleLength
                cycleLength = period * random.uniform(0.8, 1.2)
            }
            let phase = (t - cycleStart) / cycleLength
            return floor(t) * (1 + amplitude * phase) * (1 + 0.003 * random.normal())
        }
    }
}
