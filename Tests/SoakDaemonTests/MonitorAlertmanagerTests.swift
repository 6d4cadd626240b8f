import Foundation
import MetricsScrape
import SeriesStore
import XCTest
@testable import SoakDaemon

/// `soak run`'s pipeline end to end against a real `prometheus-alertmanager`: libcurl scrapes of
/// a leaking loopback exporter, the SQLite store, the compressed detector, the SQLite outbox.
final class MonitorAlertmanagerTests: XCTestCase {
    /// The leak is found while Alertmanager is down; the alert arrives once it is up, with the
    /// series' labels, resource and version; a restart of the target resolves it; one episode only.
    func testLeakAlertArrivesAfterAlertmanagerReturnsAndResolvesOnRestart() async throws {
        let alertmanager = try AlertmanagerProcess()  // down at first
        defer { alertmanager.cleanUp() }
        let exporter = try LeakingExporter()
        defer { exporter.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = monitorYAML(targets: [exporter.address], databasePath: directory.appendingPathComponent("soak.db").path,
                               alerting: """
                                 external_url: http://soak.test:9847
                                 retry: {initial_seconds: 1, max_seconds: 2}
                                 alertmanagers:
                                   - url: \(alertmanager.url)
                                     timeout_seconds: 2
                                     resend_interval_seconds: 5
                               """)
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "test.yml"))
        let log = CapturedLog()
        let runtime = try await MonitorRuntime.open(configuration: configuration, logger: log.logger)

        try await withRunningMonitor(runtime) {
            let found = await eventually(timeoutSeconds: 70) {
                await runtime.pipeline.findingsSnapshot().contains { $0.state == .leak }
            }
            XCTAssertTrue(found, "the leak is confirmed; log:\n\(log.allText.suffix(3000))")
            guard found else { return }
            let failedAttempt = try await eventually(timeoutSeconds: 10) {
                try await runtime.database.pendingOutbox().contains { $0.attempts > 0 && $0.lastError != nil }
            }
            XCTAssertTrue(failedAttempt, "delivery to the stopped Alertmanager failed and waits for a retry")

            try await alertmanager.start()
            var listed: [String: Any]?
            _ = try await eventually(timeoutSeconds: 15) {
                listed = try await alertmanager.alerts().first { ($0["labels"] as? [String: String])?["alertname"] == "SoakLeakDetected" }
                return listed != nil
            }
            let labels = try XCTUnwrap(listed?["labels"] as? [String: String], "Alertmanager lists the alert")
            XCTAssertEqual(labels["job"], "leaky")
            XCTAssertEqual(labels["instance"], exporter.address)
            XCTAssertEqual(labels["metric"], "process_resident_memory_bytes")
            XCTAssertEqual(labels["resource"], "memory")
            XCTAssertEqual(labels["version"], "v1.31.2")
            XCTAssertEqual(labels["severity"], "warning", "no memory limit is exposed, so no exhaustion time")
            let annotations = try XCTUnwrap(listed?["annotations"] as? [String: String])
            XCTAssertTrue(annotations["finding_url"]?.hasPrefix("http://soak.test:9847/api/v1/findings/") ?? false)
            XCTAssertGreaterThan(Double(annotations["growth_percent_per_hour"] ?? "") ?? 0, 100)

            exporter.restart()
            let resolved = await eventually(timeoutSeconds: 20) {
                await runtime.pipeline.findingsSnapshot().allSatisfy { $0.state != .leak }
            }
            XCTAssertTrue(resolved, "the restart ends the episode")
            let gone = try await eventually(timeoutSeconds: 15) {
                try await alertmanager.alerts().allSatisfy { ($0["labels"] as? [String: String])?["alertname"] != "SoakLeakDetected" }
            }
            XCTAssertTrue(gone, "the resolve reached Alertmanager and it dropped the alert")

            let findings = try await runtime.database.findings()
            XCTAssertEqual(findings.count, 1, "one episode: the retries and refreshes are not new findings")
            XCTAssertEqual(findings.first?.version, "v1.31.2")
            let rows = try await runtime.database.allOutbox()
            XCTAssertEqual(Set(rows.map(\.dedupeKey)), [findings[0].dedupeKey])
            XCTAssertTrue(rows.contains { $0.alertState == .resolved && $0.state == .delivered })
            XCTAssertEqual(log.lines.filter { $0.text.contains("leak detected") }.count, 1, "a leak is logged once")
            let restarts = try await runtime.database.markers(kind: .restart)
            XCTAssertEqual(restarts.map(\.target), ["leaky/\(exporter.address)"])
            let versions = try await runtime.database.markers(kind: .versionChange)
            XCTAssertEqual(versions.map(\.detail), ["v1.31.2"])
        }
    }
}
