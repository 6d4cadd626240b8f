import Foundation
import Prometheus
import XCTest
@testable import SoakDaemon

/// The `process_*` reader, the bootstrap, and the dashboard's metric names.
final class SelfMetricsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("fd"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeFixture(stat: String, limits: String, fds: Int) throws -> (process: String, systemStat: String) {
        try stat.write(to: directory.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        try limits.write(to: directory.appendingPathComponent("limits"), atomically: true, encoding: .utf8)
        for index in 0..<fds {
            FileManager.default.createFile(atPath: directory.appendingPathComponent("fd/\(index)").path, contents: nil)
        }
        let systemStat = directory.appendingPathComponent("system-stat").path
        try "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n".write(toFile: systemStat, atomically: true, encoding: .utf8)
        return (directory.path, systemStat)
    }

    func testProcFixtureWithParenthesesInTheCommandName() throws {
        // pid (comm) state ppid ... ; utime=250 stime=150 threads=7 starttime=12345 vsize=104857600 rss=2560
        var fields = [String](repeating: "0", count: 52)
        fields[0] = "4242"; fields[1] = "(soak (x) y)"; fields[2] = "S"
        fields[13] = "250"; fields[14] = "150"; fields[19] = "7"; fields[21] = "12345"
        fields[22] = "104857600"; fields[23] = "2560"
        let limits = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max open files            1024                 524288               files
            """
        let paths = try writeFixture(stat: fields.joined(separator: " ") + "\n", limits: limits, fds: 5)
        let statistics = try ProcessStatistics.read(
            processDirectory: paths.process, systemStatPath: paths.systemStat, clockTicksPerSecond: 100, pageSizeBytes: 4096)
        XCTAssertEqual(statistics, ProcessStatistics(
            cpuSecondsTotal: 4, residentMemoryBytes: 2560 * 4096, virtualMemoryBytes: 104_857_600,
            startTimeSeconds: 1_700_000_123.45, threads: 7, openFDs: 5, maxFDs: 1024))
    }

    func testUnlimitedOpenFilesHasNoMaximumAndBrokenStatIsAnError() throws {
        let stat = "1 (a) S " + [String](repeating: "1", count: 49).joined(separator: " ")
        let paths = try writeFixture(stat: stat, limits: "Max open files            unlimited            unlimited            files\n", fds: 0)
        let statistics = try ProcessStatistics.read(
            processDirectory: paths.process, systemStatPath: paths.systemStat, clockTicksPerSecond: 100, pageSizeBytes: 4096)
        XCTAssertNil(statistics.maxFDs)

        try "1 (a) S 1 2".write(to: directory.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ProcessStatistics.read(
            processDirectory: paths.process, systemStatPath: paths.systemStat, clockTicksPerSecond: 100, pageSizeBytes: 4096)) { error in
            XCTAssertEqual((error as? ProcessStatisticsError)?.path, paths.process + "/stat")
        }
    }

    func testCurrentProcessOpenFDsFollowOpenedFiles() throws {
        let before = try ProcessStatistics.current()
        let handles = try (0..<8).map { _ in try XCTUnwrap(FileHandle(forReadingAtPath: "/dev/null")) }
        let during = try ProcessStatistics.current()
        for handle in handles { try handle.close() }
        XCTAssertGreaterThanOrEqual(during.openFDs - before.openFDs, 8)
        XCTAssertGreaterThan(before.residentMemoryBytes, 0)
    }

    func testBootstrapHappensOnceAndTheFacadeRecordsIntoItsRegistry() {
        let first = SelfMetricsBootstrap.bootstrapPrometheus()
        let second = SelfMetricsBootstrap.bootstrapPrometheus()
        XCTAssertTrue(first === second)
        let job = "job-\(UUID().uuidString)"
        SoakMetrics().scrapeFailed(job: job, durationSeconds: 0.5)
        let text = first.emitToString()
        XCTAssertTrue(text.contains(#"soak_scrape_failures_total{job="\#(job)"} 1"#), text)
    }

    func testCatalogNamesAreUniqueValidAndCountersEndInTotal() {
        let names = SelfMetricDescriptor.catalog.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for descriptor in SelfMetricDescriptor.catalog {
            XCTAssertTrue(descriptor.name.hasPrefix("soak_"), descriptor.name)
            XCTAssertNotNil(descriptor.name.range(of: "^[a-z_][a-z0-9_]*$", options: .regularExpression), descriptor.name)
            XCTAssertEqual(descriptor.kind == .counter, descriptor.name.hasSuffix("_total"), descriptor.name)
        }
    }

    // MARK: dashboards/soakmonitor.json

    private static var dashboardURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("dashboards/soakmonitor.json")
    }

    /// Every name `/metrics` exports, series names of histograms included.
    private static var exportedNames: Set<String> {
        Set(SelfMetricDescriptor.catalog.flatMap(\.seriesNames) + LeakGaugeFamilies.names + ProcessMetricFamilies.names)
    }

    private func expressions(in value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, child in key == "expr" || key == "definition" ? [child as? String].compactMap { $0 } : expressions(in: child) }
        }
        if let array = value as? [Any] { return array.flatMap(expressions(in:)) }
        return []
    }

    func testDashboardIsValidJSONAndQueriesOnlyExportedMetrics() throws {
        let data = try Data(contentsOf: Self.dashboardURL)
        let dashboard = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(dashboard["title"] as? String, "SoakMonitor")
        let panels = try XCTUnwrap(dashboard["panels"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(panels.count, 6)
        let exprs = expressions(in: dashboard)
        XCTAssertGreaterThanOrEqual(exprs.count, panels.count - 1)
        let exported = Self.exportedNames
        var referenced: Set<String> = []
        let pattern = try NSRegularExpression(pattern: "\\b(soak_[a-z0-9_]+|process_[a-z0-9_]+)\\b")
        for expr in exprs {
            let names = pattern.matches(in: expr, range: NSRange(expr.startIndex..., in: expr)).map {
                String(expr[Range($0.range(at: 1), in: expr)!])
            }
            XCTAssertFalse(names.isEmpty, "query uses none of SoakMonitor's metrics: \(expr)")
            for name in names {
                XCTAssertTrue(exported.contains(name), "dashboard queries \(name), which /metrics does not export")
                referenced.insert(name)
            }
        }
        for required in ["soak_leak_state", "soak_leak_growth_percent_per_hour", "soak_leak_hours_to_exhaustion",
                         "soak_store_flush_duration_seconds_bucket", "process_resident_memory_bytes", "process_open_fds"] {
            XCTAssertTrue(referenced.contains(required), "dashboard has no panel on \(required)")
        }
    }
}
