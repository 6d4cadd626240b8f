import Foundation
import XCTest
@testable import SoakDaemon

/// Against a real `prometheus-alertmanager` (Debian's 0.25) on a free loopback port.
final class AlertmanagerIntegrationTests: XCTestCase {
    private func outbox(_ am: AlertmanagerProcess, storage: InMemoryOutboxStorage, log: CapturedLog = CapturedLog()) -> AlertOutbox {
        AlertOutbox(
            storage: storage,
            notifiers: [AlertmanagerNotifier(name: "am", configuration: AlertmanagerConfiguration(url: am.url, timeoutSeconds: 3))],
            backoff: RetryBackoff(jitterFraction: 0), logger: log.logger)
    }

    /// Our alerts in Alertmanager, found by the episode's dedupe key annotation.
    private func episodes(_ am: AlertmanagerProcess, _ finding: LeakFinding, query: String = "") async throws -> [[String: Any]] {
        try await am.alerts(query: query).filter {
            ($0["annotations"] as? [String: String])?["dedupe_key"] == finding.dedupeKey
        }
    }

    func testFiringNotificationIsListedWithItsLabelsAndAnnotations() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        try await am.start()
        let box = outbox(am, storage: InMemoryOutboxStorage())
        let finding = Fixtures.finding(firstAlertAt: Date().addingTimeInterval(-600))
        try await box.enqueue(Fixtures.notification(finding))
        let report = try await box.deliverDue(now: Date())
        XCTAssertEqual(report.delivered, 1)

        let listed = try await episodes(am, finding)
        XCTAssertEqual(listed.count, 1)
        let alert = try XCTUnwrap(listed.first)
        XCTAssertEqual(alert["labels"] as? [String: String], [
            "alertname": "SoakLeakDetected", "job": "etcd", "instance": "10.0.0.7:2379", "version": "v3.4.23",
            "metric": "process_resident_memory_bytes", "resource": "memory", "severity": "critical",
        ])
        let annotations = try XCTUnwrap(alert["annotations"] as? [String: String])
        XCTAssertEqual(annotations["growth_percent_per_hour"], "2.500")
        XCTAssertEqual(annotations["hours_to_exhaustion"], "17.5")
        XCTAssertEqual(annotations["slope_per_hour"], "1250000")
        XCTAssertEqual(annotations["finding_url"], "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual(annotations["summary"], AlertRendering.summary(for: finding))
        XCTAssertEqual(alert["generatorURL"] as? String, "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual((alert["status"] as? [String: Any])?["state"] as? String, "active")
        // Refreshed firing alerts end 4 × resend interval (4 min) ahead, like Prometheus'.
        let endsAt = try XCTUnwrap(RFC3339.date(from: alert["endsAt"] as? String ?? ""))
        XCTAssertGreaterThan(endsAt.timeIntervalSinceNow, 200)
        let startsAt = try XCTUnwrap(RFC3339.date(from: alert["startsAt"] as? String ?? ""))
        XCTAssertEqual(startsAt.timeIntervalSince1970, finding.firstAlertAt.timeIntervalSince1970, accuracy: 0.001)
    }

    func testResolvedNotificationEndsTheAlert() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        try await am.start()
        let box = outbox(am, storage: InMemoryOutboxStorage())
        let finding = Fixtures.finding(firstAlertAt: Date().addingTimeInterval(-600))
        try await box.enqueue(Fixtures.notification(finding))
        _ = try await box.deliverDue(now: Date())
        let active = try await episodes(am, finding, query: "?active=true")
        XCTAssertEqual(active.count, 1)

        try await box.enqueue(Fixtures.notification(finding.resolved(at: Date().addingTimeInterval(-1))))
        let report = try await box.deliverDue(now: Date())
        XCTAssertEqual(report.delivered, 1)
        // Alertmanager treats an alert whose endsAt has passed as resolved and leaves it out of
        // the API's alert list.
        let afterResolve = try await episodes(am, finding, query: "?active=true")
        XCTAssertEqual(afterResolve.count, 0)
        let anyState = try await episodes(am, finding)
        XCTAssertEqual(anyState.count, 0)
    }

    func testDeliveriesAreRetriedUntilAlertmanagerComesUpAndBackUp() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        let storage = InMemoryOutboxStorage()
        let log = CapturedLog()
        let box = outbox(am, storage: storage, log: log)
        let finding = Fixtures.finding(firstAlertAt: Date().addingTimeInterval(-600))
        let t0 = Date()

        // Not started yet: refused, retried with backoff 1 s, 2 s.
        try await box.enqueue(Fixtures.notification(finding, createdAt: t0))
        var report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.retried, 1)
        report = try await box.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(report.retried, 1)
        var entry = await storage.all()[0]
        XCTAssertEqual(entry.attempts, 2)
        XCTAssertEqual(entry.nextAttemptAt, t0.addingTimeInterval(1 + 2))
        XCTAssertEqual(entry.lastError?.hasPrefix("transport: "), true, entry.lastError ?? "")
        XCTAssertTrue(log.lines.contains { $0.level == .warning && $0.text.contains("will retry") })

        try await am.start()
        report = try await box.deliverDue(now: t0.addingTimeInterval(2))
        XCTAssertEqual(report.delivered + report.retried, 0, "still inside its backoff")
        report = try await box.deliverDue(now: t0.addingTimeInterval(3))
        XCTAssertEqual(report.delivered, 1)
        var listed = try await episodes(am, finding)
        XCTAssertEqual(listed.count, 1)

        // Down again (Alertmanager keeps alerts in memory only): the next refresh waits for it.
        am.stop()
        var refreshed = finding
        refreshed.growthPercentPerHour = 3.75
        try await box.enqueue(Fixtures.notification(refreshed, createdAt: t0.addingTimeInterval(60)))
        report = try await box.deliverDue(now: t0.addingTimeInterval(60))
        XCTAssertEqual(report.retried, 1)
        try await am.start()
        listed = try await episodes(am, finding)
        XCTAssertEqual(listed.count, 0, "a restarted Alertmanager has forgotten the alert")
        report = try await box.deliverDue(now: t0.addingTimeInterval(61))
        XCTAssertEqual(report.delivered, 1)
        listed = try await episodes(am, finding)
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual((listed.first?["annotations"] as? [String: String])?["growth_percent_per_hour"], "3.750")
        entry = await storage.all()[1]
        XCTAssertEqual(entry.state, .delivered)
    }

    func testTheSameEpisodeResentIsOneAlertNotTwo() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        try await am.start()
        let storage = InMemoryOutboxStorage()
        let finding = Fixtures.finding(firstAlertAt: Date().addingTimeInterval(-600))
        let box = outbox(am, storage: storage)
        try await box.enqueue(Fixtures.notification(finding))
        _ = try await box.deliverDue(now: Date())
        let first = try await episodes(am, finding)
        let fingerprint = try XCTUnwrap(first.first?["fingerprint"] as? String)

        // A refresh, then a re-send by a restarted daemon (new outbox, same storage) with new numbers.
        var refreshed = finding
        refreshed.growthPercentPerHour = 4
        try await box.enqueue(Fixtures.notification(refreshed))
        _ = try await box.deliverDue(now: Date())
        let restarted = outbox(am, storage: storage)
        refreshed.growthPercentPerHour = 5
        try await restarted.enqueue(Fixtures.notification(refreshed))
        let report = try await restarted.deliverDue(now: Date())
        XCTAssertEqual(report.delivered, 1)

        let all = try await am.alerts().filter { ($0["labels"] as? [String: String])?["alertname"] == "SoakLeakDetected" }
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(all.first?["fingerprint"] as? String, fingerprint)
        XCTAssertEqual((all.first?["annotations"] as? [String: String])?["growth_percent_per_hour"], "5.000")

        // A leak on another instance is a second alert: the count above could have been two.
        try await restarted.enqueue(Fixtures.notification(Fixtures.finding(instance: "10.0.0.8:2379")))
        _ = try await restarted.deliverDue(now: Date())
        let two = try await am.alerts().filter { ($0["labels"] as? [String: String])?["alertname"] == "SoakLeakDetected" }
        XCTAssertEqual(two.count, 2)
    }

    func testASeverityChangeLeavesOneActiveAlertPerEpisode() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        try await am.start()
        let box = outbox(am, storage: InMemoryOutboxStorage())
        let warning = Fixtures.finding(hoursToExhaustion: 100, firstAlertAt: Date().addingTimeInterval(-600))
        XCTAssertEqual(warning.severity, .warning)
        try await box.enqueue(Fixtures.notification(warning))
        _ = try await box.deliverDue(now: Date())
        var listed = try await episodes(am, warning)
        XCTAssertEqual(listed.compactMap { ($0["labels"] as? [String: String])?["severity"] }, ["warning"])

        // The projection shortens: the same episode is now critical.
        var critical = warning
        critical.hoursToExhaustion = 6
        critical.severity = SeverityPolicy().severity(hoursToExhaustion: 6)
        try await box.enqueue(Fixtures.notification(critical))
        _ = try await box.deliverDue(now: Date())
        listed = try await episodes(am, warning)
        XCTAssertEqual(listed.compactMap { ($0["labels"] as? [String: String])?["severity"] }, ["critical"])
    }

    func testMalformedAlertIsRejectedByAlertmanagerAndNotRetried() async throws {
        let am = try AlertmanagerProcess()
        defer { am.cleanUp() }
        try await am.start()
        // A label name with dashes is invalid in Alertmanager: it answers 400 "invalid label set".
        var finding = Fixtures.finding()
        finding.seriesLabels["bad-label-name"] = "x"
        let storage = InMemoryOutboxStorage()
        let log = CapturedLog()
        let box = outbox(am, storage: storage, log: log)
        try await box.enqueue(Fixtures.notification(finding))
        let report = try await box.deliverDue(now: Date())
        XCTAssertEqual(report.rejected, 1)
        let entry = await storage.all()[0]
        XCTAssertEqual(entry.state, .rejected)
        XCTAssertTrue(entry.lastError?.contains("HTTP 400") == true, entry.lastError ?? "")
        XCTAssertTrue(log.lines.contains { $0.level == .error && $0.text.contains("not retried") })
    }
}
