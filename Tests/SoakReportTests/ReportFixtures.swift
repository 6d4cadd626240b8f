import Foundation
import LeakDetection
import LeakEvaluation
import SeriesStore
import SoakModel
@testable import SoakReport

/// Stores written the way `soak import` leaves them: samples only, no findings, no scrape records.
enum ReportFixtures {
    /// 2026-11-20T00:00:00Z.
    static let startMs: Int64 = 1_795_132_800_000
    static let stepMs: Int64 = 30_000

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("soak-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// 12 h at 30 s of one component (`job`/`instance`): RSS leaking `leakPercentPerHour` under a
    /// GC sawtooth, a heap that warms up and stays, steady fds, goroutines and threads.
    static func fill(_ store: SeriesStore, job: String = "apiserver", instance: String = "10.0.0.1:6443",
                     extraLabels: [Label] = [], leakPercentPerHour: Double = 3, hours: Double = 12) throws {
        let labels = [Label("job", job), Label("instance", instance)] + extraLabels
        var generator = SeededGenerator(seed: 7)
        let count = Int(hours * 3600 / Double(stepMs / 1000))
        for i in 0..<count {
            let t = startMs + Int64(i) * stepMs
            let h = Double(i) * Double(stepMs) / 3_600_000
            let sawtooth = Double(i % 20) / 20 * 40e6
            let rss = 400e6 * (1 + leakPercentPerHour / 100 * h) + sawtooth + Double.random(in: 0...4e6, using: &generator)
            _ = try store.append(metric: "process_resident_memory_bytes", labels: labels, timestampMs: t, value: rss)
            let heap = 150e6 * (1 - exp(-h * 3)) + 50e6 + Double.random(in: 0...2e6, using: &generator)
            _ = try store.append(metric: "go_memstats_heap_inuse_bytes", labels: labels, timestampMs: t, value: heap)
            _ = try store.append(metric: "process_open_fds", labels: labels, timestampMs: t,
                                 value: 120 + Double(Int.random(in: 0...6, using: &generator)))
            _ = try store.append(metric: "go_goroutines", labels: labels, timestampMs: t,
                                 value: 800 + Double(Int.random(in: -20...20, using: &generator)))
            _ = try store.append(metric: "go_threads", labels: labels, timestampMs: t, value: 24)
        }
        try store.flush()
    }
}
