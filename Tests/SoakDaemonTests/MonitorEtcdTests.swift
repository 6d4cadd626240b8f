import HTTPClient
import Foundation
import MetricsScrape
import XCTest
@testable import SoakDaemon

/// A real `etcd-server` under steady write load (sequential puts over 100 keys, history compacted
/// every 500 puts, 45 s of warm-up under load first), scraped every second by the whole pipeline
/// with the compressed detector preset for 125 s (past warm-up and a minute of judgements),
/// raises no alert.
final class MonitorEtcdTests: XCTestCase {
    func testEtcdUnderSteadyPutLoadRaisesNoAlert() async throws {
        try EtcdProcess.requireInstalled()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // etcd keeps its raft log in memory until a snapshot (100,000 entries by default, then
        // 5,000 kept for followers): under load that is linear heap growth for the first
        // 100,000 writes, a true trend. A small snapshot count bounds it, and the load below
        // compacts old revisions, so after the warm-up the heap is steady.
        let etcd = try EtcdProcess(dataDirectory: directory.appendingPathComponent("etcd"),
                                   extraArguments: ["--snapshot-count", "1000"])
        defer { etcd.stop() }
        let client = etcd.clientPort
        let metrics = etcd.metricsPort

        let http = CurlHTTPClient()
        let ready = await eventually(timeoutSeconds: 20) {
            if case .success(let response) = await http.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(metrics)/metrics", timeoutSeconds: 1)) {
                return response.status == 200
            }
            return false
        }
        XCTAssertTrue(ready, "etcd serves /metrics")
        guard ready else { return }

        // Steady load: sequential puts over 100 keys, history compacted every 500 puts.
        let load = Task { await EtcdProcess.putLoad(clientPort: client, pauseMilliseconds: 5) }
        // Warm-up under load before watching: raft log, caches and pools fill.
        try await Task.sleep(for: .seconds(45))

        let yaml = monitorYAML(targets: ["127.0.0.1:\(metrics)"], job: "etcd",
                               databasePath: directory.appendingPathComponent("soak.db").path, scrapeInterval: "1s",
                               alerting: "  terminal: false", detection: "  preset: compressed")
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "etcd.yml"))
        let log = CapturedLog()
        let runtime = try await MonitorRuntime.open(configuration: configuration, logger: log.logger)

        // How much the detectors were fed, counted before shutdown: etcd's RSS samples stored.
        let rssSamples = try await withRunningMonitor(runtime) {
            try await Task.sleep(for: .seconds(125))
            return try await runtime.database.samples(metrics: ["process_resident_memory_bytes"], fromMs: 0, toMs: .max)
                .reduce(0) { $0 + $1.count }
        }
        load.cancel()
        let puts = await load.value
        XCTAssertGreaterThan(puts, 5_000, "the load kept going")

        let snapshots = await runtime.pipeline.findingsSnapshot()
        let watched = Set(snapshots.map(\.metricName))
        XCTAssertTrue(watched.isSuperset(of: ["process_resident_memory_bytes", "go_goroutines", "process_open_fds"]), "\(watched)")
        // Not vacuous: the detectors saw more than warm-up (60 s) plus the shortest judged window
        // (12 buckets of 5 s). Whether one also gathered evidence depends on etcd being borderline,
        // so that is not asserted: a quiet etcd rightly leaves every series unjudged-as-trending.
        XCTAssertGreaterThan(rssSamples, 100, "the monitor watched etcd for over 100 scrapes")
        XCTAssertEqual(snapshots.filter { $0.state == .leak }, [], "no leak")
        let findings = try await runtime.database.findings()
        XCTAssertEqual(findings.count, 0, "no finding: \(findings)")
        let outboxRows = try await runtime.database.allOutbox()
        XCTAssertEqual(outboxRows.count, 0, "no notification")
        let target = await runtime.pipeline.targetsSnapshot().first
        XCTAssertEqual(target?.health, .up)
        XCTAssertTrue(target?.detectedVersion?.hasPrefix("3.") ?? false, "etcd_server_version: \(String(describing: target?.detectedVersion))")
    }
}
