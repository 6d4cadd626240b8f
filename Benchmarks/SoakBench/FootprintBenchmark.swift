import SoakModel
#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import Foundation
import LeakDetection

/// The monitor's own footprint (issue 6): the release `soak run` as a separate process scraping
/// `targets` loopback exporters (served from this process, each listener one real dump: etcd,
/// kubelet and kube-proxy in rotation) every `interval` seconds for `seconds`, with a temporary
/// config as a user would write it (static targets, default keep-list, default detection). Every
/// `--footprint-sample-interval` seconds (1) the bench reads the child's `/proc/<pid>` (RSS as the
/// monitor computes its `process_resident_memory_bytes`, VmRSS, fds, utime + stime, threads), and
/// every `--footprint-metrics-interval` seconds (10) its own `/metrics` — not every second: the
/// page renders three leak gauges per watched series (1.8 MB, ~0.13 CPU s at 500 targets), so a
/// 1-s self-scrape would add ~12 % of a core that a Prometheus scraping the monitor at 15 s does
/// not. After `--footprint-warmup` seconds it fits the RSS slope, runs the project's detector over
/// the RSS and fd series, and reports CPU per sample and RSS per stored series beside Prometheus'
/// and VictoriaMetrics' figures. Then SIGTERM, and a check that the child exits cleanly.
///
/// `SoakBench footprint --footprint-targets=500 --footprint-seconds=600 --footprint-interval=1
///   [--footprint-warmup=60] [--footprint-sample-interval=1] [--footprint-metrics-interval=10] [--footprint-keep-all]
///   [--footprint-soak=PATH] [--footprint-dumps=DIR] [--footprint-keep-files]`
func runFootprintBenchmarks(arguments: [String]) {
    func option(_ name: String) -> String? {
        arguments.first { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
    }
    var settings = FootprintSettings()
    settings.targets = option("footprint-targets").flatMap(Int.init) ?? settings.targets
    settings.seconds = option("footprint-seconds").flatMap(Double.init) ?? settings.seconds
    settings.intervalSeconds = option("footprint-interval").flatMap(Int.init) ?? settings.intervalSeconds
    settings.warmUpSeconds = option("footprint-warmup").flatMap(Double.init) ?? min(60, settings.seconds / 4)
    settings.sampleIntervalSeconds = option("footprint-sample-interval").flatMap(Double.init) ?? settings.sampleIntervalSeconds
    settings.metricsIntervalSeconds = option("footprint-metrics-interval").flatMap(Double.init) ?? settings.metricsIntervalSeconds
    settings.keepAll = arguments.contains("--footprint-keep-all")
    settings.keepFiles = arguments.contains("--footprint-keep-files")
    settings.dumpsDirectory = option("footprint-dumps") ?? settings.dumpsDirectory
    settings.soakPath = option("footprint-soak") ?? siblingExecutable("soak")
    do {
        try FootprintRun(settings: settings).run()
    } catch {
        print("footprint benchmark failed: \(error)")
    }
}

struct FootprintSettings {
    var targets = 500
    var seconds = 600.0
    var intervalSeconds = 1
    var warmUpSeconds = 60.0
    var sampleIntervalSeconds = 1.0
    var metricsIntervalSeconds = 10.0
    var keepAll = false
    var keepFiles = false
    var dumpsDirectory = "/work/shared/testdata/k8s-dumps"
    var soakPath = ""
}

/// One reading of the child: seconds since spawn, wall-clock ms, /proc and /metrics.
private struct FootprintSample {
    var seconds: Double
    var wallMs: Int64
    var proc: ChildProcessReading
    var metrics: ExpositionValues?

    var selfRSS: Double? { metrics?.sum("process_resident_memory_bytes") }
    var selfFDs: Double? { metrics?.sum("process_open_fds") }
    var scrapes: Double? { metrics?.sum("soak_scrapes_total") }
    var failures: Double? { metrics?.sum("soak_scrape_failures_total") ?? (metrics == nil ? nil : 0) }
    var ingested: Double? { metrics?.sum("soak_samples_ingested_total") }
}

/// A dump served by a third of the listeners, named as the job that scrapes it.
private struct ServedDump {
    let job: String
    let file: String
    let body: [UInt8]
    /// Sample lines in the exposition (all non-comment, non-empty lines of a valid text dump).
    let samples: Int
}

private final class FootprintRun {
    let settings: FootprintSettings
    private static let metricNames: Set<String> = [
        "process_resident_memory_bytes", "process_open_fds", "process_cpu_seconds_total", "process_threads",
        "soak_scrapes_total", "soak_scrape_failures_total", "soak_samples_ingested_total",
        "soak_series_tracked", "soak_detector_lag_seconds", "soak_alert_outbox_pending",
        "soak_store_flush_duration_seconds_sum", "soak_store_flush_duration_seconds_count",
    ]

    init(settings: FootprintSettings) { self.settings = settings }

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: settings.soakPath) else {
            throw BenchError("\(settings.soakPath) not found: build it with `swift build -c release --product soak` (make bench does)")
        }
        // CoreDNS' dump is two scrapes concatenated (invalid), so the three valid component dumps rotate.
        let dumps = try [("etcd", "etcd-3.3.12.prom"), ("kubelet", "kubelet-1.13.4.prom"), ("kube-proxy", "kube-proxy-1.13.4.prom")]
            .map { job, file -> ServedDump in
                let path = settings.dumpsDirectory + "/" + file
                guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("\(path) not found") }
                let body = Array(data)
                let samples = String(decoding: body, as: UTF8.self).split(separator: "\n")
                    .filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }.count
                return ServedDump(job: job, file: file, body: body, samples: samples)
            }
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        print("monitor: \(settings.soakPath)")
        print("machine: \(cores) cores, \(cpuModel()); load average before: \(loadAverageText())")
        print("targets: \(settings.targets) at \(settings.intervalSeconds) s for \(format(settings.seconds)) s, "
              + "warm-up \(format(settings.warmUpSeconds)) s reported separately, /proc read every \(format(settings.sampleIntervalSeconds)) s, /metrics every \(format(settings.metricsIntervalSeconds)) s, "
              + (settings.keepAll ? "keep_all_metrics: true" : "default keep-list"))
        for dump in dumps { print("  job \(dump.job): \(dump.file) (\(dump.body.count) bytes, \(dump.samples) samples)") }

        // The bench's listeners and accepted connections, plus the child's (it inherits the limit).
        raiseFileDescriptorLimit(to: settings.targets * 4 + 1024)
        let server = try ScrapeBenchServer(count: settings.targets, bodies: dumps.map(\.body))
        defer { server.stop() }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-footprint-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if settings.keepFiles { print("kept: \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) }
        }
        let webPort = try LoopbackComponent.freePort()
        let databasePath = directory.appendingPathComponent("soak.db").path
        let configPath = directory.appendingPathComponent("soak.yml").path
        try writeConfig(to: configPath, ports: server.ports, dumps: dumps, databasePath: databasePath, webPort: webPort)

        let logPath = directory.appendingPathComponent("soak.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let child = Process()
        child.executableURL = URL(fileURLWithPath: settings.soakPath)
        child.arguments = ["run", "--config", configPath]
        child.standardOutput = log
        child.standardError = log
        let benchCPUBefore = processCPUSeconds()
        let spawned = monotonicSeconds()
        try child.run()
        let pid = child.processIdentifier
        defer { if child.isRunning { kill(pid, SIGKILL); child.waitUntilExit() } }

        let metricsURL = "http://127.0.0.1:\(webPort)/metrics"
        let readyURL = "http://127.0.0.1:\(webPort)/-/ready"
        var readyAfter: Double?
        var samples: [FootprintSample] = []
        var metricsFailures = 0
        var nextProgress = 60.0
        var nextMetrics = 0.0
        var tick = 0
        var threadsAtWarmUpEnd: [String: Double]?
        var threadsAtEnd: [String: Double] = [:]
        while child.isRunning {
            let now = monotonicSeconds() - spawned
            if now >= settings.seconds { break }
            if readyAfter == nil, httpGet(readyURL) != nil { readyAfter = monotonicSeconds() - spawned }
            var body: [UInt8]?
            if readyAfter != nil && now >= nextMetrics {
                body = httpGet(metricsURL)
                if body == nil { metricsFailures += 1 }
                nextMetrics += settings.metricsIntervalSeconds
                while nextMetrics <= now { nextMetrics += settings.metricsIntervalSeconds }
            }
            guard let proc = ChildProcessReading.read(pid: pid) else { break }
            if threadsAtWarmUpEnd == nil && now >= settings.warmUpSeconds { threadsAtWarmUpEnd = threadCPUSeconds(pid: pid) }
            threadsAtEnd = threadCPUSeconds(pid: pid)
            let sample = FootprintSample(seconds: monotonicSeconds() - spawned, wallMs: Int64(Date().timeIntervalSince1970 * 1000),
                                         proc: proc, metrics: body.map { ExpositionValues($0, names: Self.metricNames) })
            samples.append(sample)
            if sample.seconds >= nextProgress && sample.metrics != nil {
                printProgress(samples)
                nextProgress += 60
            }
            tick += 1
            let next = Double(tick) * settings.sampleIntervalSeconds
            let wait = next - (monotonicSeconds() - spawned)
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        }
        let runSeconds = monotonicSeconds() - spawned
        let exitedEarly = !child.isRunning
        let loadAfter = loadAverageText()

        // SIGTERM and a bounded wait for a clean exit (stop scraping, ingest, flush, close).
        var stopSeconds = Double.nan
        var killed = false
        if !exitedEarly {
            let t0 = monotonicSeconds()
            child.terminate()
            while child.isRunning && monotonicSeconds() - t0 < 60 { usleep(20_000) }
            if child.isRunning {
                kill(pid, SIGKILL)
                killed = true
            }
            child.waitUntilExit()
            stopSeconds = monotonicSeconds() - t0
        } else {
            child.waitUntilExit()
        }
        try? log.close()
        let benchCPU = processCPUSeconds() - benchCPUBefore

        print("-- run")
        if exitedEarly {
            print("monitor EXITED EARLY after \(format(runSeconds)) s: status \(child.terminationStatus) (\(child.terminationReason == .uncaughtSignal ? "signal" : "exit"))")
        }
        print("ready (/-/ready: resumed, every static target scraped once) after \(readyAfter.map { format($0) + " s" } ?? "never")")
        print("child readings: \(samples.count) of /proc, \(samples.filter { $0.metrics != nil }.count) of /metrics (\(metricsFailures) failed)")
        print("load average after: \(loadAfter)")
        analyse(samples, dumps: dumps, readyAfter: readyAfter)
        if let before = threadsAtWarmUpEnd {
            let used = threadsAtEnd.map { ($0.key, $0.value - (before[$0.key] ?? 0)) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            let total = used.reduce(0) { $0 + $1.1 }
            print("monitor CPU by thread after warm-up: " + used.prefix(6).map { "\($0.0) \(format($0.1 / max(total, 1e-9) * 100)) %" }.joined(separator: ", "))
        }

        print("-- shutdown")
        let cleanExit = !exitedEarly && !killed && child.terminationReason == .exit && child.terminationStatus == 0
        print("SIGTERM → exit in \(format(stopSeconds)) s, status \(child.terminationStatus)"
              + (child.terminationReason == .uncaughtSignal ? " (signal)" : "") + (killed ? ", SIGKILLed after 60 s" : "")
              + ": \(cleanExit ? "clean" : "NOT clean")")
        storeFacts(databasePath: databasePath, samples: samples)
        logFacts(logPath: logPath)
        report("bench process CPU (exporters + sampling), share of a core", benchCPU / runSeconds, "cores")
    }

    // MARK: Configuration

    private func writeConfig(to path: String, ports: [Int], dumps: [ServedDump], databasePath: String, webPort: Int) throws {
        var yaml = """
            # Written by SoakBench footprint: \(ports.count) loopback exporters, one real dump each.
            global:
              scrape_interval: \(settings.intervalSeconds)s
              scrape_timeout: \(settings.intervalSeconds)s
            keep_all_metrics: \(settings.keepAll)
            scrape_configs:

            """
        for (d, dump) in dumps.enumerated() {
            let targets = ports.enumerated().filter { $0.offset % dumps.count == d }.map { "\"127.0.0.1:\($0.element)\"" }
            guard !targets.isEmpty else { continue }
            yaml += "  - job_name: \(dump.job)\n    static_configs:\n      - targets: [\(targets.joined(separator: ", "))]\n"
        }
        yaml += """
            storage:
              path: \(databasePath)
            web:
              listen_address: 127.0.0.1:\(webPort)

            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: Analysis

    private func printProgress(_ samples: [FootprintSample]) {
        guard let last = samples.last else { return }
        let minuteAgo = samples.last(where: { $0.metrics != nil && $0.seconds <= last.seconds - 55 }) ?? samples[0]
        let span = last.seconds - minuteAgo.seconds
        var line = "  t=\(Int(last.seconds.rounded())) s  RSS \(format(last.proc.residentBytes / 1_048_576)) MiB  fds \(last.proc.openFDs)"
        line += "  threads \(last.proc.threads)  CPU \(format((last.proc.cpuSeconds - minuteAgo.proc.cpuSeconds) / span)) cores"
        if let a = minuteAgo.scrapes, let b = last.scrapes { line += "  \(format((b - a) / span)) scrapes/s" }
        if let a = minuteAgo.failures, let b = last.failures { line += "  \(Int(b - a)) failed" }
        if let lag = last.metrics?.sum("soak_detector_lag_seconds") { line += "  detector lag \(format(lag)) s" }
        print(line)
        fflush(nil)  // all streams: progress shows when the output is piped to tee
    }

    private func analyse(_ samples: [FootprintSample], dumps: [ServedDump], readyAfter: Double?) {
        let mib = 1_048_576.0
        // Every second: RSS as the monitor computes it (stat field 24 × page size), fds, CPU.
        let warm = samples.filter { $0.seconds >= (readyAfter ?? 0) && $0.seconds < settings.warmUpSeconds }
        let steady = samples.filter { $0.seconds >= settings.warmUpSeconds }
        // Every `metricsIntervalSeconds`: the monitor's own /metrics.
        let steadyMetrics = steady.filter { $0.metrics != nil && $0.selfRSS != nil }
        // Readings before the child has exec'd (RSS of the forked bench) are not the monitor's.
        guard let first = samples.first(where: { $0.seconds >= (readyAfter ?? 0) }), let steadyFirst = steady.first, let last = steady.last, steady.count >= 3,
              let m0 = steadyMetrics.first, let m1 = steadyMetrics.last, steadyMetrics.count >= 2 else {
            print("too few readings after the warm-up: nothing to fit")
            return
        }
        func rss(_ sample: FootprintSample) -> Double { sample.proc.statResidentBytes }

        print("-- warm-up (from ready to \(format(settings.warmUpSeconds)) s)")
        if let warmLast = warm.last {
            print("RSS \(format(rss(first) / mib)) MiB at \(format(first.seconds)) s → \(format(rss(warmLast) / mib)) MiB at \(format(warmLast.seconds)) s"
                  + " (max \(format(warm.map(rss).max()! / mib)) MiB); fds \(warm.map(\.proc.openFDs).min()!)–\(warm.map(\.proc.openFDs).max()!)")
            if let fit = LeastSquaresFit(x: warm.map(\.seconds), y: warm.map(rss)) {
                print("RSS slope during warm-up: \(format(fit.slope * 3600 / mib)) MiB/h")
            }
        }

        let span = last.seconds - steadyFirst.seconds
        print("-- steady state (\(format(steadyFirst.seconds))–\(format(last.seconds)) s, \(steady.count) readings of /proc, \(steadyMetrics.count) of /metrics)")
        let values = steady.map(rss)
        print("RSS (stat field 24, as process_resident_memory_bytes): \(format(rss(steadyFirst) / mib)) MiB → \(format(rss(last) / mib)) MiB"
              + " (min \(format(values.min()! / mib)), max \(format(values.max()! / mib)) MiB)")
        if let fit = LeastSquaresFit(x: steady.map(\.seconds), y: values) {
            let perHour = fit.slope * 3600
            let ci = 1.96 * fit.slopeStandardError * 3600
            report("RSS least-squares slope, 1-s readings", perHour, "bytes/h")
            print("  = \(format(perHour / mib)) ± \(format(ci / mib)) MiB/h (95 % CI, independent residuals), "
                  + "\(format(perHour / fit.meanY * 100)) %/h of the mean \(format(fit.meanY / mib)) MiB")
        }
        if let fit = LeastSquaresFit(x: steadyMetrics.map(\.seconds), y: steadyMetrics.map { $0.selfRSS! }) {
            print("  process_resident_memory_bytes from /metrics (\(steadyMetrics.count) readings): \(format(m0.selfRSS! / mib)) → \(format(m1.selfRSS! / mib)) MiB,"
                  + " slope \(format(fit.slope * 3600 / mib)) MiB/h (\(format(fit.slope * 3600 / fit.meanY * 100)) %/h)")
        }
        if let fit = LeastSquaresFit(x: steady.map(\.seconds), y: steady.map(\.proc.residentBytes)) {
            print("  /proc VmRSS: \(format(steadyFirst.proc.residentBytes / mib)) → \(format(last.proc.residentBytes / mib)) MiB, slope \(format(fit.slope * 3600 / mib)) MiB/h")
        }
        // Each half alone: growth that is still going vs. growth that has levelled off.
        for (label, part) in [("first half", steady.filter { $0.seconds < steadyFirst.seconds + span / 2 }),
                              ("second half", steady.filter { $0.seconds >= steadyFirst.seconds + span / 2 })] {
            if let fit = LeastSquaresFit(x: part.map(\.seconds), y: part.map(rss)) {
                print("  \(label) only: \(format(fit.slope * 3600 / mib)) MiB/h, \(format(fit.slope * 3600 / fit.meanY * 100)) %/h")
            }
        }
        runDetector(samples)

        let fds = steady.map(\.proc.openFDs)
        let selfFDs = steadyMetrics.compactMap(\.selfFDs)
        print("open fds (/proc): min \(fds.min()!), max \(fds.max()!); process_open_fds: min \(Int(selfFDs.min() ?? .nan)), max \(Int(selfFDs.max() ?? .nan))"
              + "; threads \(steady.map(\.proc.threads).min()!)–\(steady.map(\.proc.threads).max()!)")

        // Throughput and CPU between the first and last /metrics reading after the warm-up.
        let metricsSpan = m1.seconds - m0.seconds
        let cpu = m1.proc.cpuSeconds - m0.proc.cpuSeconds
        let scrapes = (m1.scrapes ?? .nan) - (m0.scrapes ?? .nan)
        let failures = (m1.failures ?? .nan) - (m0.failures ?? .nan)
        let ingested = (m1.ingested ?? .nan) - (m0.ingested ?? .nan)
        var exposed = 0.0
        for dump in dumps {
            let a = m0.metrics?.value("soak_scrapes_total", label: "job", dump.job) ?? 0
            let b = m1.metrics?.value("soak_scrapes_total", label: "job", dump.job) ?? 0
            exposed += (b - a) * Double(dump.samples)
        }
        let wanted = Double(settings.targets) / Double(settings.intervalSeconds)
        print("-- throughput and CPU (\(format(m0.seconds))–\(format(m1.seconds)) s)")
        report("scrapes per second (wall clock)", scrapes / metricsSpan, "scrapes/s", target: wanted * 0.99)
        report("failed scrapes (steady state)", failures, "", target: 0, higherIsBetter: false)
        if let f = m1.failures, let s = m1.scrapes { print("  whole run: \(Int(f)) failed of \(Int(s)) scrapes") }
        report("samples ingested per second", ingested / metricsSpan, "samples/s")
        report("samples ingested per scrape", ingested / scrapes, "")
        report("parsed samples per scrape (dump sizes)", exposed / scrapes, "")
        report("monitor CPU, share of one core", cpu / metricsSpan, "cores")
        report("monitor CPU per ingested (stored) sample", cpu / ingested * 1e9, "ns", higherIsBetter: false)
        report("monitor CPU per scraped (parsed) sample", cpu / exposed * 1e9, "ns",
               peer: ("Prometheus 2.42 / VictoriaMetrics 1.79 ~", 2000), higherIsBetter: false)
        report("monitor CPU per scrape", cpu / scrapes * 1e6, "µs", higherIsBetter: false)
        if let lag = m1.metrics?.sum("soak_detector_lag_seconds") { report("detector lag at the end", lag, "s") }
        let lags = steadyMetrics.compactMap { $0.metrics?.sum("soak_detector_lag_seconds") }
        if let worst = lags.max() { report("detector lag, worst reading", worst, "s") }
        if let s0 = m0.metrics?.sum("soak_store_flush_duration_seconds_sum"), let s1 = m1.metrics?.sum("soak_store_flush_duration_seconds_sum"),
           let c0 = m0.metrics?.sum("soak_store_flush_duration_seconds_count"), let c1 = m1.metrics?.sum("soak_store_flush_duration_seconds_count"), c1 > c0 {
            print("store flushes: \(Int(c1 - c0)), mean \(format((s1 - s0) / (c1 - c0) * 1000)) ms wall, \(format((s1 - s0) / metricsSpan * 100)) % of the time")
            // The head chunks are re-written at each flush, so flushes grow as the heads fill.
            if let l0 = steadyMetrics.last(where: { $0.seconds <= m1.seconds - 55 })?.metrics,
               let a = l0.sum("soak_store_flush_duration_seconds_sum"), let b = l0.sum("soak_store_flush_duration_seconds_count"), c1 > b {
                print("  last minute: mean \(format((s1 - a) / (c1 - b) * 1000)) ms per flush")
            }
        }
        if let tracked = m1.metrics?.sum("soak_series_tracked") { report("soak_series_tracked (store series)", tracked, "") }
        lastRSS = rss(last)
        lastSeriesEstimate = ingested / scrapes * Double(settings.targets)
    }

    private var lastRSS: Double?
    private var lastSeriesEstimate: Double?

    /// The project's detector over the monitor's own RSS and fds (read every second from /proc as
    /// the monitor itself reads them), time-compressed (1-s samples,
    /// 5-s buckets, 1-min warm-up, 4-min window, thresholds ×60): a 10-minute run is judged as
    /// the default detector judges 10 hours of 1-min samples.
    private func runDetector(_ samples: [FootprintSample]) {
        for (name, resource, values) in [
            ("process_resident_memory_bytes", ResourceKind.memory, samples.map(\.proc.statResidentBytes)),
            ("process_open_fds", ResourceKind.fileDescriptors, samples.map { Double($0.proc.openFDs) }),
        ] {
            var detector = SeriesDetector(configuration: .timeCompressed, resource: resource)
            var events: [String] = []
            for (sample, value) in zip(samples, values) {
                switch detector.observe(timestampMs: sample.wallMs, value: value) {
                case .segmentStarted(let reason, _)?: events.append("segment(\(reason)) at \(Int(sample.seconds)) s")
                case .suspected(let a)?: events.append("suspect at \(Int(sample.seconds)) s (+\(format(a.growthPercentPerHour)) %/h, z \(format(a.trendZ)))")
                case .leakAlert(let a)?: events.append("LEAK ALERT at \(Int(sample.seconds)) s (+\(format(a.growthPercentPerHour)) %/h, z \(format(a.trendZ)))")
                case .resolved?: events.append("resolved at \(Int(sample.seconds)) s")
                case .cleared?: events.append("cleared at \(Int(sample.seconds)) s")
                case nil: break
                }
            }
            var line = "detector (timeCompressed) on \(name): verdict \(detector.verdict.rawValue)"
            if let a = detector.currentAssessment() {
                line += "; latest judgement: robust slope \(format(a.slopePerHour)) /h (\(format(a.growthPercentPerHour)) %/h),"
                line += " least squares \(format(a.leastSquaresSlopePerHour)) /h, z \(format(a.trendZ)) over \(format(a.windowSeconds)) s"
            }
            print(line)
            print("  events: " + (events.isEmpty ? "none" : events.joined(separator: "; ")))
        }
    }

    private func storeFacts(databasePath: String, samples: [FootprintSample]) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(databasePath, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            print("cannot open \(databasePath) to count series")
            sqlite3_close(db)
            return
        }
        defer { sqlite3_close(db) }
        func integers(_ sql: String) -> [Int64]? {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
            defer { sqlite3_finalize(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
            return (0..<sqlite3_column_count(statement)).map { sqlite3_column_int64(statement, $0) }
        }
        let series = integers("SELECT count(*) FROM series")?.first ?? 0
        let head = integers("SELECT count(*), coalesce(sum(length(data)), 0) FROM head_chunk") ?? [0, 0]
        let sealed = integers("SELECT count(*), coalesce(sum(length(data)), 0) FROM chunk") ?? [0, 0]
        var size: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath + suffix)
            size += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
        }
        print("-- store")
        print("series stored: \(series) (estimate from samples per scrape: \(Int(lastSeriesEstimate ?? .nan))); head chunks \(head[0]) holding \(head[1]) bytes"
              + " (\(format(Double(head[1]) / Double(max(1, head[0])))) bytes each); sealed chunks \(sealed[0]), \(sealed[1]) bytes; database \(format(Double(size) / 1_048_576)) MiB")
        if let rss = lastRSS, series > 0 {
            report("RSS per stored series (final RSS / series)", rss / Double(series), "bytes",
                   peer: ("Prometheus 2.42", 3800), higherIsBetter: false)
            report("  same, against VictoriaMetrics 1.79", rss / Double(series), "bytes",
                   peer: ("VictoriaMetrics 1.79", 990), higherIsBetter: false)
        }
    }

    private func logFacts(logPath: String) {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return }
        let lines = text.split(separator: "\n")
        let warnings = lines.filter { $0.contains("warning") || $0.contains("error") || $0.contains("critical") }
        print("monitor log: \(lines.count) lines, \(warnings.count) at warning or above")
        for line in warnings.prefix(5) { print("  \(line.prefix(240))") }
        if let last = lines.last { print("  last: \(last.prefix(240))") }
    }
}

/// The 1, 5 and 15-minute load averages, as `uptime` prints them.
func loadAverageText() -> String {
    var load = [Double](repeating: 0, count: 3)
    getloadavg(&load, 3)
    return load.map { format($0) }.joined(separator: " ")
}

/// The CPU model `/proc/cpuinfo` names (for the machine line of every whole-process figure).
func cpuModel() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
          let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
}
