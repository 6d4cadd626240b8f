import Foundation
import Logging
import MetricsScrape
import ServiceLifecycle
@testable import SoakDaemon

/// A loopback exporter whose `process_resident_memory_bytes` leaks under a GC sawtooth: the
/// floor rises `leakPercentPerHour` of the base per (real) hour while the sawtooth adds up to
/// 1 % between collections (by scrape count, so every 4-scrape bucket holds one trough).
/// `restart()` stops the leak, drops the value back to the base and changes
/// `process_start_time_seconds`, as a restarted process would.
final class LeakingExporter: @unchecked Sendable {
    private let lock = NSLock()
    private var server: LoopbackHTTPServer!
    private var leaking = true
    private var leakStart = Date()
    private var startTimeSeconds = 1_700_000_000.0
    private var scrapes = 0
    let baseBytes = 100_000_000.0
    let leakPercentPerHour: Double
    let version: String

    init(leakPercentPerHour: Double = 600, version: String = "v1.31.2") throws {
        self.leakPercentPerHour = leakPercentPerHour
        self.version = version
        server = try LoopbackHTTPServer { [unowned self] _ in (200, self.exposition()) }
    }

    var address: String { "127.0.0.1:\(server.port)" }

    func restart() {
        lock.withLock {
            leaking = false
            startTimeSeconds += 3600
            scrapes = 0
        }
    }

    func stop() { server.stop() }

    private func exposition() -> String {
        let (value, start) = lock.withLock { () -> (Double, Double) in
            scrapes += 1
            let hours = leaking ? Date().timeIntervalSince(leakStart) / 3600 : 0
            let floor = baseBytes * (1 + leakPercentPerHour / 100 * hours)
            let saw = baseBytes * 0.01 * Double(scrapes % 4) / 3
            return ((floor + saw).rounded(), startTimeSeconds)
        }
        return """
            # TYPE process_resident_memory_bytes gauge
            process_resident_memory_bytes \(Int64(value))
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds \(start)
            # TYPE process_open_fds gauge
            process_open_fds 42
            # TYPE kubernetes_build_info gauge
            kubernetes_build_info{git_version="\(version)",go_version="go1.22.5"} 1

            """
    }
}

/// A monitor configuration for tests: fast scrapes, the compressed detector with shorter
/// buckets (2 s) and warm-up (20 s), so a 600 %/h leak is confirmed about 35 s after start.
func monitorYAML(targets: [String], job: String = "leaky", databasePath: String, scrapeInterval: String = "500ms",
                 alerting: String, detection: String? = nil, webPort: UInt16? = nil) -> String {
    """
    global:
      scrape_interval: \(scrapeInterval)
      scrape_timeout: \(scrapeInterval)
    scrape_configs:
      - job_name: \(job)
        static_configs:
          - targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]
    storage:
      path: \(databasePath)
      flush_interval: 1s
    detection:
    \(detection ?? "  preset: compressed\n  bucket: 2s\n  warm_up: 20s")
    alerting:
    \(alerting)
    \(webPort.map { "web:\n  listen_address: 127.0.0.1:\($0)" } ?? "")

    """
}

/// Polls `condition` every 200 ms until it holds or `timeoutSeconds` pass; returns whether it held.
func eventually(timeoutSeconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}

/// Runs the runtime's services while `body` runs, then shuts them down gracefully (also when
/// `body` throws), so a failing test leaves no scraper thread or open database behind.
func withRunningMonitor<T>(_ runtime: MonitorRuntime, adding extra: [any Service] = [],
                           _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(services: runtime.services + extra, gracefulShutdownSignals: [], logger: runtime.logger)
    let running = Task { try await group.run() }
    let result: Result<T, any Error>
    do { result = .success(try await body()) } catch { result = .failure(error) }
    await group.triggerGracefulShutdown()
    try await running.value
    return try result.get()
}
