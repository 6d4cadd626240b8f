import HTTPClient
import SoakModel
import Foundation
import Logging
import XCTest
@testable import MetricsScrape

/// The configuration-to-scrapes wiring the daemon uses, and what it logs.
final class ScrapeServiceTests: XCTestCase {
    func testServiceScrapesStaticAndDiscoveredTargetsFromOneConfig() throws {
        let exporter = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        let kubelet = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        let api = try DiscoveryTests.FakeAPIServer()
        defer { exporter.stop(); kubelet.stop(); api.server.stop() }
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([KubernetesFixtures.node("node-a", ip: "127.0.0.1", kubeletPort: kubelet.port)]))
        let config = try SoakConfig.parse(yaml: """
            global: {scrape_interval: 200ms, scrape_timeout: 200ms}
            scrape_configs:
              - job_name: exporter
                static_configs: [{targets: ["127.0.0.1:\(exporter.port)"]}]
              - job_name: kubelet
                kubernetes_sd_configs: [{role: node, api_server: "\(api.server.baseURL)"}]
            """, file: "soak.yml")
        let collector = ResultCollector()
        let service = ScrapeService(config: config) { collector.add($0) }
        defer { service.stop() }
        service.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { results in
            Set(results.filter(\.up).map(\.target.job)) == ["exporter", "kubelet"]
        })
        service.stop()
        let kubeletSample = collector.all.first { $0.target.job == "kubelet" }?.samples.first { $0.name == "go_goroutines" }
        XCTAssertEqual(kubeletSample?.label("instance"), "node-a")
        XCTAssertNil(collector.all.first { $0.target.job == "exporter" }?.samples.first { $0.name == "http_requests_total" },
                     "default keep-list applies")
    }

    func testInsecureSkipVerifyIsLoggedAsAWarningWithoutSecrets() throws {
        let log = CapturedLog()
        let logger = Logger(label: "test") { _ in log }
        let target = ScrapeTarget(url: "https://admin:pw@127.0.0.1:\(freeLoopbackPort())/metrics",
                                  labels: [Label("job", "scheduler"), Label("instance", "x")],
                                  tls: TLSSettings(insecureSkipVerify: true))
        _ = Scraper.scrapeOnce([target], logger: logger)
        let entries = log.entries
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?.level, .warning)
        XCTAssertTrue(entries.first?.text.contains("insecure_skip_verify") ?? false)
        XCTAssertFalse(entries.first?.text.contains("pw") ?? true, entries.first?.text ?? "")
    }

    func testScraperRestartsWithItsTargetsAfterStop() throws {
        let server = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        defer { server.stop() }
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        defer { scraper.stop() }
        scraper.setTargets([ScrapeTarget(url: server.baseURL + "/metrics", labels: [Label("job", "j")], intervalSeconds: 0.1)])
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= 1 })
        scraper.stop()
        let before = collector.all.count
        scraper.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.count >= before + 2 })
    }
}

/// A swift-log handler that keeps what it is given, for assertions.
final class CapturedLog: LogHandler, @unchecked Sendable {
    struct Entry { var level: Logger.Level; var text: String }
    private let lock = NSLock()
    private var stored: [Entry] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let text = "\(message) \(metadata.map { "\($0)" } ?? "")"
        lock.withLock { stored.append(Entry(level: level, text: text)) }
    }

    var entries: [Entry] { lock.withLock { stored } }
}

final class TargetRegistryTests: XCTestCase {
    func testUnionOfSourcesIsPushedOnlyWhenSomethingChanged() {
        let pushed = ResultBox()
        let registry = TargetRegistry { pushed.append($0) }
        let a = ScrapeTarget(url: "http://a:1/metrics", labels: [Label("job", "x")])
        let b = ScrapeTarget(url: "http://b:1/metrics", labels: [Label("job", "x")])
        registry.update(source: "static", targets: [a])
        registry.update(source: "kubernetes/x", targets: [a, b])
        registry.update(source: "kubernetes/x", targets: [a, b])
        registry.update(source: "kubernetes/x", targets: [])
        XCTAssertEqual(pushed.all.map { $0.map(\.url) }, [
            ["http://a:1/metrics"],
            ["http://a:1/metrics", "http://b:1/metrics"],  // a from two sources is scraped once
            ["http://a:1/metrics"],
        ])
    }
}
