import Foundation
import MetricsScrape
import Prometheus
import XCTest
@testable import SoakDaemon

/// `GET /metrics` over a real socket, read back with SoakMonitor's own strict parser.
final class HTTPMetricsEndpointTests: XCTestCase {
    private func scrape(_ server: RunningServer) async throws -> (HTTPTestClient.Response, ParsedExposition) {
        let response = try await HTTPTestClient.get(server.url("/metrics"))
        XCTAssertEqual(response.status, 200)
        let parsed = try ExpositionParser.parse(response.body, format: .prometheusText)
        return (response, parsed)
    }

    private func value(_ parsed: ParsedExposition, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        parsed.samples.first { sample in
            sample.name == name && labels.allSatisfy { sample.label($0.key) == $0.value }
        }?.value
    }

    func testMetricsIsPrometheusTextWithPlausibleProcessFamily() async throws {
        let provider = FakeStatusProvider()
        try await withRunningServer(provider: provider) { server in
            let (response, parsed) = try await scrape(server)
            XCTAssertEqual(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")

            let rss = try XCTUnwrap(value(parsed, "process_resident_memory_bytes"))
            XCTAssertGreaterThan(rss, 1_000_000, "a Swift test process has more than 1 MB resident")
            XCTAssertLessThan(rss, 64e9)
            let virtual = try XCTUnwrap(value(parsed, "process_virtual_memory_bytes"))
            XCTAssertGreaterThanOrEqual(virtual, rss)
            let fds = try XCTUnwrap(value(parsed, "process_open_fds"))
            XCTAssertGreaterThanOrEqual(fds, 3, "stdin, stdout, stderr at least, plus the listening socket")
            if let maxFDs = value(parsed, "process_max_fds") { XCTAssertGreaterThanOrEqual(maxFDs, fds) }
            let start = try XCTUnwrap(value(parsed, "process_start_time_seconds"))
            let now = Date().timeIntervalSince1970
            XCTAssertLessThanOrEqual(start, now + 2)
            XCTAssertGreaterThan(start, now - 86_400, "the test process started within a day")
            XCTAssertGreaterThan(try XCTUnwrap(value(parsed, "process_cpu_seconds_total")), 0)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(value(parsed, "process_threads")), 2)
            XCTAssertEqual(parsed.families.first { $0.name == "process_cpu_seconds_total" }?.type, .counter)
            XCTAssertEqual(parsed.families.first { $0.name == "process_open_fds" }?.help, "Number of open file descriptors.")
        }
    }

    func testLeakGaugesCarrySeriesLabelsAndEscapeHostileValues() async throws {
        let hostile = [
            "__name__": "process_open_fds",
            "job": #"evil"job\with"quotes"#,
            "instance": "line1\nline2",
            "pod-name": "café ☕",
            "resource": "clash",
        ]
        let provider = FakeStatusProvider(findings: [
            HTTPFixtures.leak(id: "1", labels: hostile, hours: 7.25),
            HTTPFixtures.healthy(id: "2"),
        ])
        try await withRunningServer(provider: provider) { server in
            let (response, parsed) = try await scrape(server)
            // The raw text carries the escapes the format requires.
            XCTAssertTrue(response.text.contains(#"job="evil\"job\\with\"quotes""#), response.text)
            XCTAssertTrue(response.text.contains(#"instance="line1\nline2""#))

            let labels = [
                "series_name": "process_open_fds", "job": #"evil"job\with"quotes"#, "instance": "line1\nline2",
                "pod_name": "café ☕", "exported_resource": "clash", "resource": "fds",
            ]
            XCTAssertEqual(value(parsed, "soak_leak_state", labels), 2)
            XCTAssertEqual(value(parsed, "soak_leak_growth_percent_per_hour", labels), 4.1)
            XCTAssertEqual(value(parsed, "soak_leak_hours_to_exhaustion", labels), 7.25)
            XCTAssertEqual(value(parsed, "soak_leak_confidence", labels), 0.982)
            let leakSample = try XCTUnwrap(parsed.samples.first { $0.name == "soak_leak_state" && $0.label("resource") == "fds" })
            XCTAssertEqual(Set(leakSample.labels.map(\.name)), Set(labels.keys), "no label beyond the series' and resource")

            let healthy = ["series_name": "go_goroutines", "job": "etcd", "resource": "goroutines"]
            XCTAssertEqual(value(parsed, "soak_leak_state", healthy), 0)
            XCTAssertNil(value(parsed, "soak_leak_hours_to_exhaustion", healthy), "no limit known: no sample")
            XCTAssertEqual(parsed.families.first { $0.name == "soak_leak_state" }?.type, .gauge)
            XCTAssertNotNil(parsed.families.first { $0.name == "soak_leak_state" }?.help)
        }
    }

    func testTargetGaugesReportHealthAndDuration() async throws {
        let up = TargetSnapshot(job: "etcd", instance: "a:2379", url: "http://a:2379/metrics", health: .up,
                                lastScrapeDurationSeconds: 0.012)
        let unknown = TargetSnapshot(job: "etcd", instance: "b:2379", url: "http://b:2379/metrics", health: .unknown)
        let provider = FakeStatusProvider(targets: [HTTPFixtures.target(), up, unknown])
        try await withRunningServer(provider: provider) { server in
            let (_, parsed) = try await scrape(server)
            XCTAssertEqual(value(parsed, "soak_target_up", ["job": "kube-apiserver", "instance": "10.0.0.5:6443"]), 0)
            XCTAssertEqual(value(parsed, "soak_target_up", ["job": "etcd", "instance": "a:2379"]), 1)
            XCTAssertNil(value(parsed, "soak_target_up", ["instance": "b:2379"]), "not scraped yet: absent")
            XCTAssertEqual(value(parsed, "soak_target_scrape_duration_seconds", ["instance": "a:2379"]), 0.012)
        }
    }

    func testSelfMetricsRecordedThroughFacadeAppearWithHelp() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = SoakMetrics(factory: SelfMetricsBootstrap.makeFactory(registry: registry))
        for _ in 0..<3 { metrics.scrapeSucceeded(job: "kube-apiserver", durationSeconds: 0.02) }
        metrics.scrapeFailed(job: "kube-apiserver", durationSeconds: 10)
        metrics.samplesIngested(1200)
        metrics.samplesIngested(300)
        metrics.seriesTracked(42)
        metrics.storeFlushed(seconds: 0.003)
        metrics.detectorLag(seconds: 1.5)
        metrics.alertSent(receiver: "alertmanager-0")
        metrics.alertFailed(receiver: "webhook-0")
        metrics.alertFailed(receiver: "webhook-0")
        metrics.outboxPending(2)

        try await withRunningServer(provider: FakeStatusProvider(), registry: registry) { server in
            let (_, parsed) = try await scrape(server)
            XCTAssertEqual(value(parsed, "soak_scrapes_total", ["job": "kube-apiserver"]), 4)
            XCTAssertEqual(value(parsed, "soak_scrape_failures_total", ["job": "kube-apiserver"]), 1)
            XCTAssertEqual(value(parsed, "soak_scrape_duration_seconds_count", ["job": "kube-apiserver"]), 4)
            XCTAssertEqual(value(parsed, "soak_samples_ingested_total"), 1500)
            XCTAssertEqual(value(parsed, "soak_series_tracked"), 42)
            XCTAssertEqual(value(parsed, "soak_store_flush_duration_seconds_count"), 1)
            XCTAssertEqual(try XCTUnwrap(value(parsed, "soak_store_flush_duration_seconds_sum")), 0.003, accuracy: 1e-9)
            XCTAssertEqual(value(parsed, "soak_store_flush_duration_seconds_bucket", ["le": "0.005"]), 1)
            XCTAssertEqual(value(parsed, "soak_store_flush_duration_seconds_bucket", ["le": "0.001"]), 0)
            XCTAssertEqual(value(parsed, "soak_detector_lag_seconds"), 1.5)
            XCTAssertEqual(value(parsed, "soak_alerts_sent_total", ["receiver": "alertmanager-0"]), 1)
            XCTAssertEqual(value(parsed, "soak_alerts_failed_total", ["receiver": "webhook-0"]), 2)
            XCTAssertEqual(value(parsed, "soak_alert_outbox_pending"), 2)
            for descriptor in SelfMetricDescriptor.catalog {
                let family = parsed.families.first { $0.name == descriptor.name }
                XCTAssertEqual(family?.help, descriptor.help, descriptor.name)
            }
        }
    }

    func testMetricsWithoutProcFilesStillServesTheRest() async throws {
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak()])
        try await withRunningServer(provider: provider, processStatistics: { nil }) { server in
            let (_, parsed) = try await scrape(server)
            XCTAssertFalse(parsed.samples.contains { $0.name.hasPrefix("process_") })
            XCTAssertEqual(value(parsed, "soak_leak_state", ["series_name": "process_open_fds"]), 2)
        }
    }
}
