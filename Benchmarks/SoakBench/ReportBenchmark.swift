import Foundation
import LeakDetection
import LeakEvaluation
import SeriesStore
import SoakModel
import SoakReport

/// `SoakBench report`: a 14-day, 500-series store at 30 s (20.2 M samples) written the way
/// `soak import` writes a backfill file (series after series, `seriesID(for:)`, `append`,
/// `flushIfDue`), with no stored findings, so the report replays the detector over every
/// watched series itself. Targets (issue 16): render in under 10 s, HTML under 5 MB.
func runReportBenchmarks(arguments: [String]) {
    do {
        try reportBenchmark()
    } catch {
        print("report benchmark failed: \(error)")
    }
}

private func reportBenchmark() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-bench-report-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let components = 100
    let metrics = ["process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "process_open_fds",
                   "go_goroutines", "go_threads"]
    let stepMs: Int64 = 30_000
    let samplesPerSeries = 14 * 86_400 / 30
    let endMs = (Int64(Date().timeIntervalSince1970) / 300 * 300) * 1000
    let startMs = endMs - Int64(samplesPerSeries) * stepMs

    let fillStarted = monotonicSeconds()
    let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
    var generator = SeededGenerator(seed: 16)
    var written = 0
    for component in 0..<components {
        // Every 20th component leaks memory (0.5 %/h) so the report draws some findings.
        let leaks = component % 20 == 7
        for metric in metrics {
            let key = SeriesKey(metric: metric, labels: [
                Label("job", "job-\(component % 10)"), Label("instance", "10.0.\(component / 256).\(component % 256):9100"),
            ])
            let id = try store.seriesID(for: key)
            let base: Double = switch metric {
            case "process_resident_memory_bytes": 400e6
            case "go_memstats_heap_inuse_bytes": 150e6
            case "process_open_fds": 120
            case "go_goroutines": 900
            default: 30
            }
            let isMemory = metric.hasSuffix("bytes")
            for i in 0..<samplesPerSeries {
                let hours = Double(i) / 120
                let daily = 0.03 * sin(2 * Double.pi * hours / 24)
                var value = base * (1 + daily + (leaks && isMemory ? 0.005 * hours : 0))
                value += isMemory ? Double(i % 16) / 16 * 0.08 * base : Double(Int.random(in: -3...3, using: &generator))
                _ = store.append(id, timestampMs: startMs + Int64(i) * stepMs, value: isMemory ? value.rounded() : max(0, value.rounded()))
                written += 1
            }
            _ = try store.flushIfDue()
        }
    }
    try store.close()
    let fillSeconds = monotonicSeconds() - fillStarted
    report("report: store filled like soak import (\(written / 1_000_000) M samples)", fillSeconds, "s", higherIsBetter: false)

    let reader = try SeriesStore(path: directory.appendingPathComponent("soak.db").path, configuration: {
        var configuration = StoreConfiguration()
        configuration.readOnly = true
        return configuration
    }())
    let out = directory.appendingPathComponent("report.html")
    let started = monotonicSeconds()
    // The two halves separately (reading and replaying; rendering), then the whole as the command runs it.
    let built = try ReportBuilder(store: reader, request: ReportRequest()).build()
    let builtSeconds = monotonicSeconds() - started
    let page = ReportPage().render(built)
    let renderSeconds = monotonicSeconds() - started - builtSeconds
    report("report: read + replay the detector (ReportBuilder)", builtSeconds, "s", higherIsBetter: false)
    report("report: render the page (ReportPage, \(page.utf8.count / 1024) KiB)", renderSeconds, "s", higherIsBetter: false)
    let cpuStarted = processCPUSeconds()
    let fileStarted = monotonicSeconds()
    let model = try ReportFile.write(store: reader, request: ReportRequest(), to: out)
    let seconds = monotonicSeconds() - fileStarted
    let cpu = processCPUSeconds() - cpuStarted
    let bytes = (try FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0
    report("report: render 14 d × 500 series, detector replayed", seconds, "s", target: 10, higherIsBetter: false)
    report("report: CPU for that render", cpu, "s", higherIsBetter: false)
    report("report: HTML size", Double(bytes) / 1_048_576, "MiB", target: 5, higherIsBetter: false)
    print("  \(model.components.count) components, \(model.findings.count) findings, \(model.sampleCount) samples judged")
    try reader.close()
}
