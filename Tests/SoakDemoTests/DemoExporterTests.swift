import SoakModel
import Foundation
import Logging
import MetricsScrape
import XCTest
@testable import SoakDemo
import SoakDaemon

/// `soak demo`'s exporters: their shapes are the ones the demo promises, and they are served
/// over real HTTP in a form our own scraper and parser accept.
final class DemoExporterTests: XCTestCase {
    private func values(_ exporter: DemoExporter, at t: Double) throws -> [String: Double] {
        let parsed = try ExpositionParser.parse(Array(exporter.exposition(elapsedSeconds: t).utf8), format: .prometheusText)
        return Dictionary(parsed.samples.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The post-GC floor: the lowest RSS of each 3-s GC cycle (sampled each second), averaged
    /// over four cycles so that the exporter's noise does not decide the figure.
    private func rssFloor(_ exporter: DemoExporter, from t: Double) throws -> Double {
        var sum = 0.0
        for cycle in 0..<4 {
            let start = t + Double(cycle * 3)
            sum += try (0..<3).map { try values(exporter, at: start + Double($0))["process_resident_memory_bytes"]! }.min()!
        }
        return sum / 4
    }

    func testLeakingHeapFloorRisesFivePercentPerMinuteUnderTheSawtooth() throws {
        let leak = DemoExporter.standardSet(startSeconds: 0)[0]
        XCTAssertEqual(leak.behaviour, .memoryLeakUnderSawtooth)
        // Steady until the leak begins, then +5 % of the start per minute.
        let onset = DemoExporter.leakOnsetSeconds
        XCTAssertEqual(try rssFloor(leak, from: onset) / rssFloor(leak, from: 0), 1, accuracy: 0.01)
        let early = try rssFloor(leak, from: onset), later = try rssFloor(leak, from: onset + 120)
        XCTAssertEqual(later / early, 1.10, accuracy: 0.01)
        // Within one GC cycle the sawtooth swings by far more than a minute of leak (9 MiB).
        let cycle = try (0..<3).map { try values(leak, at: 60 + Double($0))["process_resident_memory_bytes"]! }
        XCTAssertGreaterThan(cycle.max()! - cycle.min()!, 20 * 1_048_576)
    }

    func testDescriptorLeakGrowsAndHealthyExporterSaturates() throws {
        let set = DemoExporter.standardSet(startSeconds: 0)
        let onset = DemoExporter.leakOnsetSeconds
        let fds0 = try values(set[1], at: onset)["process_open_fds"]!, fds100 = try values(set[1], at: onset + 100)["process_open_fds"]!
        XCTAssertEqual(fds100 - fds0, 25, accuracy: 8)
        let healthy = set[2]
        let rise1 = try rssFloor(healthy, from: 40) - rssFloor(healthy, from: 0)
        let rise2 = try rssFloor(healthy, from: 120) - rssFloor(healthy, from: 80)
        XCTAssertGreaterThan(rise1, 10 * 1_048_576, "warm-up grows at first")
        XCTAssertLessThan(abs(rise2), 6 * 1_048_576, "then stops")
    }

    func testExpositionCarriesVersionAndIsDeterministic() throws {
        let set = DemoExporter.standardSet(startSeconds: 1_700_000_000)
        XCTAssertEqual(set[0].exposition(elapsedSeconds: 12.5), set[0].exposition(elapsedSeconds: 12.5))
        let parsed = try ExpositionParser.parse(Array(set[2].exposition(elapsedSeconds: 5).utf8), format: .prometheusText)
        XCTAssertEqual(parsed.samples.first { $0.name == "etcd_server_version" }?.label("server_version"), "3.5.16")
        XCTAssertEqual(parsed.samples.first { $0.name == "process_start_time_seconds" }?.value, 1_700_000_000)
    }

    func testServedExportersAreScrapedByTheRealScraper() async throws {
        let exporters = DemoExporter.standardSet(startSeconds: Date().timeIntervalSince1970)
        let server = try await DemoExporterServer.start(exporters, logger: Logger(label: "test"))
        let targets = server.endpoints.map {
            ScrapeTarget(url: $0.url, labels: [Label("job", $0.exporter.job), Label("instance", "127.0.0.1:\($0.port)")],
                         intervalSeconds: 1, timeoutSeconds: 1)
        }
        let results = Scraper.scrapeOnce(targets)
        await server.stop()
        XCTAssertEqual(results.count, 3)
        for result in results {
            XCTAssertTrue(result.up, "\(result.target.url): \(String(describing: result.error))")
            XCTAssertNotNil(result.samples.first { $0.name == "process_resident_memory_bytes" }, result.target.job)
        }
        XCTAssertEqual(Set(results.map(\.target.job)), ["kube-apiserver", "kubelet", "etcd"])
    }
}

/// The demo session itself, cut short: its configuration is valid YAML for `soak run`, the
/// pipeline scrapes all three exporters, and the database it names is kept.
final class DemoSessionTests: XCTestCase {
    func testShortDemoScrapesEveryExporterAndKeepsItsDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-demo-test-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = OutputCapture()
        var session = DemoSession(directory: directory, interactive: false, write: { output.append($0) })
        session.durationSeconds = 6
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let findings = try await session.run(logger: logger)
        let text = output.text
        for job in ["kube-apiserver", "kubelet", "etcd"] {
            XCTAssertTrue(text.contains("\(job) 127.0.0.1:"), "\(job) missing from the screen:\n\(text)")
        }
        XCTAssertFalse(text.contains(" down "), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("soak.db").path))
        XCTAssertTrue(text.contains("Summary"), text)
        XCTAssertFalse(findings.isEmpty, "the leak-relevant series are tracked")
        XCTAssertTrue(findings.allSatisfy { $0.firstAlertAt == nil }, "nothing can be judged within the warm-up")
    }
}

final class OutputCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [String] = []
    func append(_ text: String) { lock.withLock { chunks.append(text) } }
    var text: String { lock.withLock { chunks.joined() } }
}
