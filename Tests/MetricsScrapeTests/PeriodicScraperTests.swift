import HTTPClient
import SoakModel
import Foundation
import XCTest
@testable import MetricsScrape

/// The periodic scraper: schedules, connection reuse, token rotation, and carrying on past failures.
final class PeriodicScraperTests: XCTestCase {
    private func target(_ url: String, interval: Double, authorization: HTTPAuthorization = .none) -> ScrapeTarget {
        ScrapeTarget(url: url, labels: [Label("job", "periodic"), Label("instance", url)], intervalSeconds: interval,
                     timeoutSeconds: interval, authorization: authorization)
    }

    func testFailingTargetsDoNotStopHealthyOnes() throws {
        let good = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        let bad = try LoopbackHTTPServer { request in
            switch request.path {
            case "/slow":
                var response = LoopbackHTTPServer.Response.text("")
                response.delaySeconds = 2
                return response
            case "/garbage": return .text("<html>not metrics</html>\n")
            case "/big": return .text(String(repeating: "go_goroutines 1\n", count: 100_000))
            default: return .text("boom", status: 500)
            }
        }
        defer { good.stop(); bad.stop() }
        let refused = "http://127.0.0.1:\(freeLoopbackPort())/metrics"
        let urls = [good.baseURL + "/metrics", bad.baseURL + "/metrics", bad.baseURL + "/slow", refused,
                    bad.baseURL + "/garbage", bad.baseURL + "/big"]
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        scraper.setTargets(urls.map { url in
            var scrape = target(url, interval: 0.25)
            scrape.bodyLimitBytes = 100_000
            return scrape
        })
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { results in
            urls.allSatisfy { url in results.filter { $0.target.url == url }.count >= 4 }
        }, "every target scraped at least 4 times: \(urls.map { collector.results(forURL: $0).count })")
        scraper.stop()
        XCTAssertTrue(collector.results(forURL: urls[0]).allSatisfy(\.up))
        XCTAssertTrue(collector.results(forURL: urls[1]).allSatisfy { $0.error?.kind == .httpStatus })
        XCTAssertTrue(collector.results(forURL: urls[2]).allSatisfy { $0.error?.kind == .timeout })
        XCTAssertTrue(collector.results(forURL: urls[3]).allSatisfy { $0.error?.kind == .connection })
        XCTAssertTrue(collector.results(forURL: urls[4]).allSatisfy { $0.error?.kind == .parse })
        XCTAssertTrue(collector.results(forURL: urls[5]).allSatisfy { $0.error?.kind == .bodyTooLarge })
        XCTAssertEqual(scraper.statistics.scrapesFailed, collector.all.filter { !$0.up }.count)
    }

    func testConnectionIsReusedAcrossScrapes() throws {
        let server = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        defer { server.stop() }
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        scraper.setTargets([target(server.baseURL + "/metrics", interval: 0.1)])
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= 5 })
        scraper.stop()
        XCTAssertEqual(server.acceptedConnections, 1)
        XCTAssertEqual(collector.all.map(\.newConnections).reduce(0, +), 1)
        XCTAssertEqual(scraper.statistics.connectionsOpened, 1)
    }

    func testScrapesKeepTheirIntervalAndOffset() throws {
        let server = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        defer { server.stop() }
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        let scrape = target(server.baseURL + "/metrics", interval: 0.2)
        scraper.setTargets([scrape])
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= 6 })
        scraper.stop()
        let starts = collector.all.map(\.startedMonotonicSeconds)
        for (a, b) in zip(starts, starts.dropFirst()) {
            XCTAssertEqual(b - a, 0.2, accuracy: 0.05)
        }
        // The phase within the interval is the target's offset (wall clock modulo interval).
        let phase = (Double(collector.all[0].timestampMs) / 1000).truncatingRemainder(dividingBy: 0.2)
        let difference = abs(phase - scrape.offsetSeconds)
        XCTAssertLessThan(min(difference, 0.2 - difference), 0.05)
    }

    func testRotatedTokenFileIsPickedUpWithoutRestart() throws {
        let dir = try makeTemporaryDirectory("soak-token")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("token").path
        try "token-one\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let accepted = TokenBox("token-one")
        let server = try LoopbackHTTPServer { request in
            request.header("Authorization") == "Bearer \(accepted.value)" ? .text(ScraperFaultTests.exposition)
                : .text("unauthorized", status: 401)
        }
        defer { server.stop() }
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        scraper.setTargets([target(server.baseURL + "/metrics", interval: 0.1,
                                   authorization: .credentialsFile(type: "Bearer", path: tokenFile))])
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= 2 })
        XCTAssertTrue(collector.all.allSatisfy(\.up), "right token")

        // The API server rotates: the old token is refused before the file is rewritten.
        accepted.value = "token-two"
        let beforeRotation = collector.all.count
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= beforeRotation + 2 })
        let refused = collector.all.dropFirst(beforeRotation).filter { !$0.up }
        XCTAssertFalse(refused.isEmpty, "wrong token is refused")
        for result in refused {
            XCTAssertEqual(result.error?.message, "server returned HTTP status 401")
            XCTAssertFalse(result.error!.description.contains("token-one"))
        }
        try "token-two\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let afterRotation = collector.all.count
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { results in
            results.dropFirst(afterRotation + 1).contains(where: \.up)
        }, "rotated token is used")
    }

    func testRemovedTargetIsNoLongerScrapedAndAddedOneIs() throws {
        let server = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        defer { server.stop() }
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        let a = target(server.baseURL + "/a", interval: 0.1), b = target(server.baseURL + "/b", interval: 0.1)
        scraper.setTargets([a])
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= 2 })
        scraper.setTargets([b])
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.filter { $0.target == b }.count >= 2 })
        let lastA = collector.all.lastIndex { $0.target == a }!
        let firstB = collector.all.firstIndex { $0.target == b }!
        XCTAssertLessThan(lastA, firstB + 2, "a stops once b starts")
        XCTAssertEqual(scraper.statistics.targets, 1)
    }
}

/// A value shared between the test and the server's handler thread.
final class TokenBox: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String
    init(_ value: String) { current = value }
    var value: String {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
