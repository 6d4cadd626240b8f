import SoakModel
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MetricsScrape

/// Scrape benchmarks: many loopback targets at a 1-s interval through the real scraper
/// (libcurl multi loop, parse, keep-list, target labels), for a bounded time.
///
/// `SoakBench scrape --scrape-targets=2000 --scrape-seconds=20 --scrape-exposition=FILE`
func runScrapeBenchmarks(arguments: [String]) {
    func option(_ name: String) -> String? {
        arguments.first { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
    }
    let targetCount = option("scrape-targets").flatMap(Int.init) ?? 2000
    let extraListeners = option("scrape-idle-listeners").flatMap(Int.init) ?? 0
    let seconds = option("scrape-seconds").flatMap(Double.init) ?? 15
    let dump = option("scrape-exposition") ?? "/work/shared/testdata/k8s-dumps/kubelet-1.13.4.prom"
    let body: [UInt8]
    if let data = FileManager.default.contents(atPath: dump) {
        body = Array(data)
        print("exposition: \(dump) (\(body.count) bytes)")
    } else {
        body = syntheticExposition()
        print("exposition: synthetic (\(body.count) bytes; \(dump) not found)")
    }
    var load = [Double](repeating: 0, count: 3)
    getloadavg(&load, 3)
    print("load average before: \(format(load[0])) (other processes share these \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores)")
    for keepAll in [false, true] {
        do {
            try runScrapeLoad(targets: targetCount, seconds: seconds, body: body, keepAll: keepAll, idleListeners: extraListeners)
        } catch {
            print("scrape benchmark failed: \(error)")
        }
    }
}

/// Collects start times per target on the scrape thread; read only after the scraper stopped.
private final class IntervalRecorder: @unchecked Sendable {
    var starts: [[Double]]
    var failures = 0
    var firstError: String?
    var samplesKept = 0
    var scrapesInWindow = 0
    var durations: [Double] = []
    /// Monotonic start of the measured window; results before it are warm-up.
    var windowStart = Double.infinity
    let indexByURL: [String: Int]

    init(urls: [String]) {
        starts = Array(repeating: [], count: urls.count)
        indexByURL = Dictionary(uniqueKeysWithValues: urls.enumerated().map { ($1, $0) })
    }

    func record(_ result: ScrapeResult) {
        guard let index = indexByURL[result.target.url] else { return }
        starts[index].append(result.startedMonotonicSeconds)
        guard result.startedMonotonicSeconds >= windowStart else { return }
        scrapesInWindow += 1
        samplesKept += result.samples.count
        durations.append(result.durationSeconds)
        if let error = result.error {
            failures += 1
            if firstError == nil { firstError = error.description }
        }
    }
}

private func runScrapeLoad(targets count: Int, seconds: Double, body: [UInt8], keepAll: Bool, idleListeners: Int) throws {
    raiseFileDescriptorLimit(to: (count + idleListeners) * 4 + 1024)
    let server = try ScrapeBenchServer(count: count + idleListeners, body: body)
    defer { server.stop() }
    let relabeling = ScrapeJobConfig(jobName: "bench", keepAllMetrics: keepAll).metricRelabeling
    let targets = server.ports.prefix(count).map { port in
        ScrapeTarget(url: "http://127.0.0.1:\(port)/metrics", labels: [Label("job", "bench"), Label("instance", "127.0.0.1:\(port)")],
                     intervalSeconds: 1, timeoutSeconds: 1, metricRelabeling: relabeling)
    }
    let recorder = IntervalRecorder(urls: targets.map(\.url))
    let scraper = Scraper { recorder.record($0) }
    scraper.setTargets(targets)
    scraper.start()
    // Warm-up: the first interval opens every connection; measure steady state after it.
    let warmup = 2.0
    usleep(UInt32(warmup * 1_000_000))
    recorder.windowStart = monotonicSeconds()  // read by the scrape thread; a torn read only shifts the window
    let before = scraper.statistics
    let cpuBefore = processCPUSeconds()
    let t0 = monotonicSeconds()
    usleep(UInt32(seconds * 1_000_000))
    let after = scraper.statistics
    let cpuAfter = processCPUSeconds()
    let elapsed = monotonicSeconds() - t0
    scraper.stop()

    let scrapes = Double(after.scrapesCompleted - before.scrapesCompleted)
    let loopCPU = after.loopCPUSeconds - before.loopCPUSeconds
    var deviations: [Double] = []
    for starts in recorder.starts {
        for (a, b) in zip(starts, starts.dropFirst()) where a >= t0 - 1 { deviations.append(abs(b - a - 1)) }
    }
    deviations.sort()
    func percentile(_ p: Double) -> Double {
        deviations.isEmpty ? .nan : deviations[min(deviations.count - 1, Int(Double(deviations.count) * p))]
    }
    let mode = keepAll ? "keep all" : "keep-list"
    print("-- \(count) loopback targets at 1 s, \(format(elapsed)) s measured, \(mode) (\(body.count)-byte exposition)")
    report("scrapes per second (wall clock)", scrapes / elapsed, "scrapes/s", target: Double(count) * 0.99)
    // Thread CPU time, as the other single-core figures: what one uncontended core sustains.
    report("scrapes per scrape-thread CPU second", scrapes / loopCPU, "scrapes/s", target: 2000)
    report("scrape-thread CPU per 1,000 scrapes", loopCPU / scrapes * 1000, "CPU s", target: 0.5, higherIsBetter: false)
    report("scrape-thread CPU share of one core", loopCPU / elapsed, "cores", target: 1, higherIsBetter: false)
    report("process CPU per 1,000 scrapes (incl. exporters)", (cpuAfter - cpuBefore) / scrapes * 1000, "CPU s")
    report("interval deviation p50 |actual − 1 s|", percentile(0.5) * 1000, "ms")
    report("interval deviation p99 |actual − 1 s|", percentile(0.99) * 1000, "ms", target: 50, higherIsBetter: false)
    report("failed scrapes", Double(after.scrapesFailed - before.scrapesFailed), "", target: 0, higherIsBetter: false)
    report("beats skipped", Double(after.beatsSkipped - before.beatsSkipped), "")
    report("connections opened (all run)", Double(after.connectionsOpened), "")
    report("samples kept per scrape", Double(recorder.samplesKept) / Double(max(1, recorder.scrapesInWindow)), "")
    let durations = recorder.durations.sorted()
    if !durations.isEmpty {
        report("scrape duration p50", durations[durations.count / 2] * 1000, "ms")
        report("scrape duration p99", durations[min(durations.count - 1, durations.count * 99 / 100)] * 1000, "ms")
    }
    if let error = recorder.firstError { print("first error: \(error)") }
}

func raiseFileDescriptorLimit(to wanted: Int) {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    let target = min(rlim_t(wanted), limit.rlim_max)
    if limit.rlim_cur < target {
        limit.rlim_cur = target
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// About 30 KB of Go-process and kubelet-like series, when the shared dumps are not present.
private func syntheticExposition() -> [UInt8] {
    var text = "# TYPE go_goroutines gauge\ngo_goroutines 312\n# TYPE process_resident_memory_bytes gauge\n"
    text += "process_resident_memory_bytes 1.2345e+08\n# TYPE apiserver_request_duration_seconds histogram\n"
    for verb in ["GET", "LIST", "WATCH", "PUT", "POST", "PATCH", "DELETE"] {
        for resource in ["pods", "nodes", "configmaps", "secrets", "leases", "endpoints"] {
            for le in ["0.05", "0.1", "0.5", "1", "+Inf"] {
                text += "apiserver_request_duration_seconds_bucket{verb=\"\(verb)\",resource=\"\(resource)\",le=\"\(le)\"} 1234\n"
            }
        }
    }
    return Array(text.utf8)
}
