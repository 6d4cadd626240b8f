import Foundation
import LeakDetection
import MetricsScrape
import MonitorState
import SeriesStore
import SoakModel
import SoakReport
import XCTest
@testable import SoakDaemon

/// The report of a real run: a real `etcd-server`, a client that opens watch streams and never
/// closes them (etcd's fds and goroutines grow), scraped every second by the daemon's whole
/// pipeline until it records the leak. The report is then opened in headless Chromium.
final class ReportEtcdTests: XCTestCase {
    func testReportOfARealEtcdWatchLeakOpensCleanInChromiumWithEveryFindingCharted() async throws {
        try EtcdProcess.requireInstalled()
        try ChromiumPage.requireInstalled()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let etcd = try EtcdProcess(dataDirectory: directory.appendingPathComponent("etcd"))
        defer { etcd.stop() }
        let ready = await etcd.waitUntilServingMetrics()
        XCTAssertTrue(ready, "etcd serves /metrics")
        guard ready else { return }

        let databasePath = directory.appendingPathComponent("soak.db").path
        let webPort = try LoopbackHTTPServer.unusedPort()
        let yaml = monitorYAML(targets: ["127.0.0.1:\(etcd.metricsPort)"], job: "etcd", databasePath: databasePath,
                               scrapeInterval: "1s", alerting: "  terminal: false")
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "etcd.yml"))
        let streams = LeakingWatchClient(port: etcd.clientPort)
        defer { streams.closeAll() }
        // A client's steady set of watches first, so the leak below grows at ~10 % of the level
        // per (compressed) hour: faster growth in a young segment is taken for warm-up.
        for _ in 0..<120 { streams.open() }
        try await Task.sleep(for: .seconds(3))
        let runtime = try await MonitorRuntime.open(configuration: configuration, logger: CapturedLog().logger)

        // One more watch stream every 4 s, never closed, until the daemon records the leak
        // (or 150 s pass).
        // The HTTP surface as `soak run` adds it, to fetch `/report` from the running daemon.
        let server = try MonitorHTTPServer(configuration: MonitorHTTPConfiguration(host: "127.0.0.1", port: Int(webPort)),
                                         provider: runtime.pipeline, registry: nil, logger: CapturedLog().logger)
        let found = try await withRunningMonitor(runtime, adding: [server]) {
            let deadline = Date().addingTimeInterval(150)
            while Date() < deadline {
                streams.open()
                try await Task.sleep(for: .seconds(4))
                let findings = try await runtime.database.findings()
                if findings.contains(where: { $0.resource == .fileDescriptors || $0.resource == .goroutines }) {
                    // A few more scrapes past the alert, so the chart shows what followed.
                    try await Task.sleep(for: .seconds(5))
                    // The daemon serves the same page for its running store.
                    let served = try await HTTPTestClient.get("http://127.0.0.1:\(webPort)/report")
                    XCTAssertEqual(served.status, 200)
                    XCTAssertEqual(served.headers["content-type"], "text/html; charset=utf-8")
                    XCTAssertEqual(served.headers["content-security-policy"], ReportPage.contentSecurityPolicy)
                    let html = String(decoding: served.body, as: UTF8.self)
                    for record in findings {
                        XCTAssertTrue(html.contains("id=\"F\(record.id)\""), "/report shows finding \(record.id)")
                    }
                    return findings
                }
            }
            return try await runtime.database.findings()
        }
        XCTAssertGreaterThan(streams.opened, 121, "the client opened watch streams beyond its steady 120")
        XCTAssertTrue(found.contains { $0.resource == .fileDescriptors || $0.resource == .goroutines },
                      "the daemon recorded the watch-stream leak: \(found.map { "\($0.series) \($0.resource)" })")

        var readOnly = StoreConfiguration()
        readOnly.readOnly = true
        let store = try SeriesStore(path: databasePath, configuration: readOnly)
        var request = ReportRequest()
        request.title = "etcd watch-stream leak"
        request.detector = configuration.detector
        let out = directory.appendingPathComponent("etcd-report.html")
        let model = try ReportFile.write(store: store, request: request, to: out)
        // The daemon may record another finding between the fetch above and its shutdown: the
        // report is compared with what the store holds when it is written.
        let stored = try store.findings()
        try store.close()
        let recorded = model.findings.filter { $0.source == .recorded }
        XCTAssertEqual(Set(recorded.map(\.anchor)), Set(stored.map { "F\($0.id)" }), "every recorded finding is in the report")
        XCTAssertTrue(found.allSatisfy { record in recorded.contains { $0.anchor == "F\(record.id)" } },
                      "the findings seen while the daemon ran are among them")
        XCTAssertEqual(model.components.map(\.key), ["etcd/127.0.0.1:\(etcd.metricsPort)"])
        XCTAssertTrue(model.components[0].versions.first?.hasPrefix("3.") ?? false, "\(model.components[0].versions)")
        XCTAssertEqual(model.scrapeHealth.first?.job, "etcd")

        let page = try ChromiumPage.load(out)
        XCTAssertEqual(page.consoleMessages, [], "no console message")
        XCTAssertEqual(page.pageRequests, [], "the page requested nothing")
        XCTAssertFalse(ReportChromiumTests.tags(in: page.dom).contains { $0.hasPrefix("<script") })
        // Every finding has its chart: an article with an SVG that draws the judged level.
        for finding in model.findings {
            let start = try XCTUnwrap(page.dom.range(of: "id=\"\(finding.anchor)\""), finding.anchor)
            let end = page.dom[start.upperBound...].range(of: "</article>")?.lowerBound ?? page.dom.endIndex
            let article = page.dom[start.upperBound..<end]
            XCTAssertTrue(article.contains("<svg class=\"chart\""), "\(finding.anchor) has a chart")
            XCTAssertTrue(article.contains("<polyline class=\"level\""), "\(finding.anchor) draws the judged level")
            XCTAssertTrue(article.contains("<polyline class=\"trend\""), "\(finding.anchor) draws the fitted trend")
        }
        let png = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-artifacts/report-etcd.png")
        try? FileManager.default.createDirectory(at: png.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ChromiumPage.screenshot(out, to: png)
        print("screenshot of the etcd report: \(png.path)")
    }
}
