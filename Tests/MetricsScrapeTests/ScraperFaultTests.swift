import HTTPClient
import SoakModel
import Foundation
import XCTest
@testable import MetricsScrape

/// The scraper against a loopback server that misbehaves in the ways real exporters do.
/// Each failure must give up=0 with a clear, secret-free error, and never stop other targets.
final class ScraperFaultTests: XCTestCase {
    static let exposition = """
        # HELP process_resident_memory_bytes Resident memory size in bytes.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes 1.2345e+07
        # TYPE go_goroutines gauge
        go_goroutines 42
        # TYPE http_requests_total counter
        http_requests_total{code="200",job="exporter-own-job"} 7

        """

    private func target(_ url: String, timeout: Double = 5, limit: Int = ScrapeTarget.defaultBodyLimitBytes,
                        authorization: HTTPAuthorization = .none, followRedirects: Bool = true,
                        interval: Double = 10, keepAll: Bool = true) -> ScrapeTarget {
        ScrapeTarget(url: url, labels: [Label("job", "fault"), Label("instance", "test")], intervalSeconds: interval,
                     timeoutSeconds: timeout, bodyLimitBytes: limit, authorization: authorization,
                     followRedirects: followRedirects,
                     metricRelabeling: MetricRelabeling(nameFilter: keepAll ? nil : .leakDetectionDefaults))
    }

    func testHealthyTargetIsUpWithParsedSamplesTargetLabelsAndSyntheticSeries() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.exposition) }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics")])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(result.httpStatus, 200)
        XCTAssertEqual(result.samplesScraped, 3)
        let rss = try XCTUnwrap(result.samples.first { $0.name == "process_resident_memory_bytes" })
        XCTAssertEqual(rss.value, 1.2345e7)
        XCTAssertEqual(rss.label("job"), "fault")
        XCTAssertEqual(rss.label("instance"), "test")
        // An exposed label that collides with a target label is kept as exported_<name>.
        let requests = try XCTUnwrap(result.samples.first { $0.name == "http_requests_total" })
        XCTAssertEqual(requests.label("exported_job"), "exporter-own-job")
        XCTAssertEqual(requests.label("job"), "fault")
        let synthetic = Dictionary(uniqueKeysWithValues: result.syntheticSamples.map { ($0.name, $0) })
        XCTAssertEqual(synthetic["up"]?.value, 1)
        XCTAssertEqual(synthetic["scrape_samples_scraped"]?.value, 3)
        XCTAssertEqual(synthetic["scrape_samples_post_metric_relabeling"]?.value, 3)
        XCTAssertEqual(synthetic["up"]?.labels, [Label("instance", "test"), Label("job", "fault")])
        XCTAssertEqual(synthetic["up"]?.timestampMs, result.timestampMs)
        XCTAssertGreaterThan(try XCTUnwrap(synthetic["scrape_duration_seconds"]?.value), 0)
    }

    func testMetricRelabelConfigsRunAfterTargetLabelsAreAttached() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.exposition) }
        defer { server.stop() }
        var scrape = target(server.baseURL + "/metrics")
        scrape.metricRelabeling = MetricRelabeling(nameFilter: nil, rules: [
            RelabelRule(action: .drop, sourceLabels: ["__name__"], regex: try AnchoredRegex("go_.*")),
            RelabelRule(action: .replace, sourceLabels: ["job", "code"], targetLabel: "origin",
                        regex: try AnchoredRegex("(.*);(2..)"), replacement: "$1-ok"),
        ])
        let result = Scraper.scrapeOnce([scrape])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(result.samplesScraped, 3)
        XCTAssertEqual(result.samples.map(\.name), ["process_resident_memory_bytes", "http_requests_total"])
        let requests = try XCTUnwrap(result.samples.last)
        XCTAssertEqual(requests.label("origin"), "fault-ok", "the rule sees the target's job, not the exposed one")
        XCTAssertEqual(requests.label("exported_job"), "exporter-own-job")
    }

    func testRequestNegotiatesOpenMetricsAndGzip() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.exposition) }
        defer { server.stop() }
        _ = Scraper.scrapeOnce([target(server.baseURL + "/metrics", timeout: 3)])
        let request = try XCTUnwrap(server.receivedRequests.first)
        XCTAssertEqual(request.header("Accept"),
                       "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1")
        XCTAssertEqual(request.header("Accept-Encoding"), "gzip")
        XCTAssertEqual(request.header("X-Prometheus-Scrape-Timeout-Seconds"), "3")
    }

    func testDefaultKeepListDropsWhatLeakDetectionDoesNotNeed() throws {
        let server = try LoopbackHTTPServer { _ in .text(Self.exposition) }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics", keepAll: false)])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(Set(result.samples.map(\.name)), ["process_resident_memory_bytes", "go_goroutines"])
        XCTAssertEqual(result.samplesScraped, 3)
        XCTAssertEqual(result.syntheticSamples.first { $0.name == "scrape_samples_post_metric_relabeling" }?.value, 2)
    }

    func testGzipBodyIsDecompressed() throws {
        let compressed = try gzipCompressed(Array(Self.exposition.utf8))
        let server = try LoopbackHTTPServer { request in
            var response = LoopbackHTTPServer.Response(body: compressed)
            response.headers.append(("Content-Encoding", "gzip"))
            return request.header("Accept-Encoding") == "gzip" ? response : .text("no gzip asked", status: 400)
        }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics")])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(result.bodyBytes, Self.exposition.utf8.count)
        XCTAssertEqual(result.samples.first { $0.name == "go_goroutines" }?.value, 42)
    }

    func testSlowResponseTimesOutWithinTheTimeout() throws {
        let server = try LoopbackHTTPServer { _ in
            var response = LoopbackHTTPServer.Response.text(Self.exposition)
            response.delaySeconds = 3
            return response
        }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics", timeout: 0.5)])[0]
        XCTAssertEqual(result.error?.kind, .timeout)
        XCTAssertTrue(result.error?.message.hasPrefix("timed out after 0.5s") ?? false, "\(String(describing: result.error))")
        XCTAssertLessThan(result.durationSeconds, 1.5)
        XCTAssertEqual(result.syntheticSamples.first?.value, 0)
    }

    func testRefusedConnectionIsAConnectionError() {
        let port = freeLoopbackPort()
        let result = Scraper.scrapeOnce([target("http://127.0.0.1:\(port)/metrics")])[0]
        XCTAssertEqual(result.error?.kind, .connection)
        XCTAssertTrue(result.error?.message.contains("Couldn't connect") ?? false, "\(String(describing: result.error))")
        XCTAssertFalse(result.up)
    }

    func testHTTP500IsDown() throws {
        let server = try LoopbackHTTPServer { _ in .text("boom", status: 500) }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics")])[0]
        XCTAssertEqual(result.error?.kind, .httpStatus)
        XCTAssertEqual(result.error?.message, "server returned HTTP status 500")
        XCTAssertEqual(result.httpStatus, 500)
    }

    func testGarbageBodyIsAParseError() throws {
        let server = try LoopbackHTTPServer { _ in .text("<html>this is not { an exposition\n") }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics")])[0]
        XCTAssertEqual(result.error?.kind, .parse)
        XCTAssertTrue(result.error?.message.hasPrefix("invalid prometheus exposition: line 1:") ?? false,
                      "\(String(describing: result.error))")
        XCTAssertTrue(result.samples.isEmpty)
    }

    func testOversizeBodyWithContentLengthIsAborted() throws {
        let big = String(repeating: "go_goroutines 1\n", count: 1000)
        let server = try LoopbackHTTPServer { _ in .text(big) }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics", limit: 1000)])[0]
        XCTAssertEqual(result.error?.kind, .bodyTooLarge)
        XCTAssertEqual(result.error?.message, "body exceeds limit of 1000 bytes")
    }

    func testGzipBombIsAbortedOnDecompressedSize() throws {
        // 160 KB of text compresses to well under 1 KB: only the write callback can catch it.
        let big = String(repeating: "go_goroutines 1\n", count: 10_000)
        let compressed = try gzipCompressed(Array(big.utf8))
        XCTAssertLessThan(compressed.count, 10_000)
        let server = try LoopbackHTTPServer { _ in
            var response = LoopbackHTTPServer.Response(body: compressed)
            response.headers.append(("Content-Encoding", "gzip"))
            return response
        }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([target(server.baseURL + "/metrics", limit: 10_000)])[0]
        XCTAssertEqual(result.error?.kind, .bodyTooLarge)
        XCTAssertEqual(result.error?.message, "body exceeds limit of 10000 bytes")
        XCTAssertLessThanOrEqual(result.bodyBytes, 10_000)
    }

    func testRedirectIsFollowedByDefaultAndReportedWhenDisabled() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path.hasPrefix("/old") {
                var response = LoopbackHTTPServer.Response(status: 302)
                response.headers = [("Location", "/metrics")]
                return response
            }
            return .text(Self.exposition)
        }
        defer { server.stop() }
        let results = Scraper.scrapeOnce([target(server.baseURL + "/old"),
                                          target(server.baseURL + "/old?x", followRedirects: false)])
        XCTAssertNil(results[0].error)
        XCTAssertEqual(results[0].samplesScraped, 3)
        XCTAssertEqual(results[1].error?.kind, .httpStatus)
        XCTAssertEqual(results[1].error?.message,
                       "server returned HTTP status 302 (redirect not followed: follow_redirects is false)")
    }

    func testCredentialsInURLNeverAppearInErrors() {
        let port = freeLoopbackPort()
        let result = Scraper.scrapeOnce([target("http://admin:hunter2@127.0.0.1:\(port)/metrics")])[0]
        XCTAssertEqual(result.error?.kind, .connection)
        let text = "\(result.error!) \(result.error!.url)"
        XCTAssertFalse(text.contains("hunter2"), text)
        XCTAssertFalse(text.contains("admin"), text)
        XCTAssertEqual(result.error?.url, "http://127.0.0.1:\(port)/metrics")
    }

    func testBasicAuthSendsPasswordFromFile() throws {
        let dir = try makeTemporaryDirectory("soak-basic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let passwordFile = dir.appendingPathComponent("password").path
        try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let expected = "Basic " + Data("scraper:s3cret".utf8).base64EncodedString()
        let server = try LoopbackHTTPServer { request in
            request.header("Authorization") == expected ? .text(Self.exposition) : .text("unauthorized", status: 401)
        }
        defer { server.stop() }
        let results = Scraper.scrapeOnce([
            target(server.baseURL + "/metrics", authorization: .basic(username: "scraper", passwordFile: passwordFile)),
            target(server.baseURL + "/metrics?wrong", authorization: .basic(username: "other", passwordFile: passwordFile)),
        ])
        XCTAssertNil(results[0].error)
        XCTAssertEqual(results[1].error?.message, "server returned HTTP status 401")
    }

    func testMissingTokenFileIsACredentialsErrorNamingThePath() {
        let result = Scraper.scrapeOnce([target("http://127.0.0.1:1/metrics",
                                                authorization: .credentialsFile(type: "Bearer", path: "/nonexistent/token"))])[0]
        XCTAssertEqual(result.error?.kind, .credentials)
        XCTAssertEqual(result.error?.message, "cannot read credentials file /nonexistent/token: No such file or directory")
    }

    func testProxyReceivesTheAbsoluteRequest() throws {
        let proxy = try LoopbackHTTPServer { request in
            request.path == "http://node-1.invalid:9100/metrics" ? .text(Self.exposition) : .text("bad", status: 502)
        }
        defer { proxy.stop() }
        var scrape = target("http://node-1.invalid:9100/metrics")
        scrape.proxyURL = "http://user:proxypass@127.0.0.1:\(proxy.port)"
        let result = Scraper.scrapeOnce([scrape])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(proxy.receivedRequests.first?.path, "http://node-1.invalid:9100/metrics")
    }
}
