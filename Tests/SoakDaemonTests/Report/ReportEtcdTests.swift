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
        let streams = WatchStreams(port: etcd.clientPort)
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
        XCTAssertGreaterThan(streams.count, 121, "the client opened watch streams beyond its steady 120")
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
        try store.close()
        let recorded = model.findings.filter { $0.source == .recorded }
        XCTAssertEqual(recorded.count, found.count, "every recorded finding is in the report")
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

/// Watch streams through etcd's gRPC gateway that are never closed: a chunked POST to
/// `/v3/watch` whose body never ends keeps the stream (a connection, its goroutines) alive.
final class WatchStreams: @unchecked Sendable {
    private let port: UInt16
    private let lock = NSLock()
    private var descriptors: [Int32] = []

    init(port: UInt16) { self.port = port }

    var count: Int { lock.withLock { descriptors.count } }

    /// Opens one more stream watching a key of its own.
    func open() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); return }
        let key = Data("soak/watch-\(count)".utf8).base64EncodedString()
        let body = #"{"create_request":{"key":"\#(key)"}}"#
        let chunk = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
        let request = "POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n" + chunk
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        lock.withLock { descriptors.append(fd) }
    }

    func closeAll() {
        lock.withLock {
            for fd in descriptors { Glibc.close(fd) }
            descriptors.removeAll()
        }
    }
}
