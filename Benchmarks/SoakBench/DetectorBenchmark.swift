import SoakModel
import LeakDetection
import LeakEvaluation

/// Detector benchmarks: the full per-sample path (`DetectorBank.observe`, segment checks, bucket
/// updates, judgements at bucket close) with many series interleaved as scrapes deliver them,
/// the replay speed of one series' history (the daemon's restart), and the state per series.
func runDetectorBenchmarks(arguments: [String]) {
    let seriesCount = 10_000
    let scrapesPerCall = 240  // one hour of 15-s scrapes per timed call
    var bank = DetectorBank()
    var handles: [SeriesHandle] = []
    var levels: [Double] = []
    var growthPerScrape: [Double] = []
    var random = SeededGenerator(seed: 42)
    for s in 0..<seriesCount {
        let name = ["process_resident_memory_bytes", "go_goroutines", "process_open_fds"][s % 3]
        handles.append(bank.handle(for: SeriesKey(metric: name, labels: [Label("instance", "pod-\(s)")])))
        levels.append(random.logUniform(100, 1e9))
        // One series in ten leaks at 2 %/h (far more than in life), so the judgements with
        // robust slopes and shape checks weigh in as well.
        growthPerScrape.append(s % 10 == 0 ? 0.02 / 240 : 0)
    }
    var noise: [Double] = []
    for _ in 0..<4096 { noise.append(0.01 * random.normal()) }
    var scrape = 0
    let startMs: Int64 = 1_767_225_600_000
    var events = 0
    let seconds = bestSecondsPerCall(minSeconds: 3, minCalls: 8) {
        for _ in 0..<scrapesPerCall {
            let timestampMs = startMs + Int64(scrape) * 15_000
            let k = Double(scrape)
            for s in 0..<seriesCount {
                let value = levels[s] * (1 + growthPerScrape[s] * k + noise[(scrape &* 7 &+ s) & 4095])
                if bank.observe(handles[s], timestampMs: timestampMs, value: value) != nil { events += 1 }
            }
            scrape += 1
        }
    }
    let samples = Double(seriesCount * scrapesPerCall)
    report("detector: interleaved samples/s (10k series, 15 s)", samples / seconds, "samples/s", target: 10e6)
    report("detector: ns per sample", seconds / samples * 1e9, "ns", higherIsBetter: false)

    // Replay of stored history: one leaking series, 36 h of 30-s samples, as on daemon restart.
    let history = SyntheticCorpus(seed: 7, drawsPerShape: 1, shapes: [.sawtoothLeak]).series[0]
    let replaySeconds = bestSecondsPerCall(minSeconds: 1) {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        for (i, value) in history.values.enumerated() {
            if detector.observe(timestampMs: history.timestampMs(i), value: value) != nil { events += 1 }
        }
    }
    report("detector: history replay, one leaking series", Double(history.values.count) / replaySeconds, "samples/s")

    let state = bank.detector(0).stateBytes
    report("detector: state per series (struct + buffers)", Double(state), "bytes", target: 4096, higherIsBetter: false)
    let structBytes = MemoryLayout<SeriesDetector>.size
    print("detector: state = \(structBytes)-byte struct + \(state - structBytes) bytes of ring and hourly-floor buffers")
    print("detector: \(events) events raised while measuring (\(bank.watchedCount) series)")
}
