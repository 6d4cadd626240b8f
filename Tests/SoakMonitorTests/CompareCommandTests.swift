import Foundation
import XCTest
@testable import LeakDetection
import LeakEvaluation

/// `soak compare` on two OpenMetrics backfill files, end to end through the built `soak`: the exit
/// codes of the gate and the JSON shape the report reads.
final class CompareCommandTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> SoakProcess.Run {
        try SoakProcess.run(arguments)
    }

    private func file(_ name: String, _ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-compare-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// 6 h of 30-s open-fd counts (Poisson around `fds`, growing `growthPerHour` of it per hour),
    /// two instances, plus the etcd version info metric.
    private func run(version: String, fds: Double, growthPerHour: Double, seed: UInt64,
                     startMs: Int64 = SyntheticCorpus.defaultStartMs) -> String {
        var random = SeededGenerator(seed: seed)
        let series = (0..<2).map { instance in
            CorpusSeries(name: "process_open_fds", labels: ["job": "etcd", "instance": "10.0.0.\(instance):2379"],
                         shape: .fdChurn, onsetMs: nil, startMs: startMs, spacingMs: 30_000,
                         values: (0..<720).map { i in random.poisson(fds * (1 + growthPerHour * Double(i) / 120)) })
        }
        let info = CorpusSeries(name: "etcd_server_version", labels: ["job": "etcd", "server_version": version],
                                shape: .flatNoise, onsetMs: nil, startMs: startMs, spacingMs: 30_000,
                                values: Array(repeating: 1, count: 720))
        return SyntheticCorpus.openMetricsText(series + [info])
    }

    func testAGrowingCandidateTripsTheGateAndTheJSONHasTheReportShape() throws {
        let baseline = try file("old.om", run(version: "3.4.23", fds: 120, growthPerHour: 0, seed: 1))
        let candidate = try file("new.om", run(version: "3.5.1", fds: 120, growthPerHour: 0.02, seed: 2))
        let result = try run(["compare", "--baseline-input", baseline, "--candidate-input", candidate, "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["verdict"] as? String, "regression")
        XCTAssertEqual((document["baseline"] as? [String: Any])?["versions"] as? [String], ["3.4.23"])
        XCTAssertEqual((document["candidate"] as? [String: Any])?["series"] as? Int, 2)
        let row = try XCTUnwrap((document["rows"] as? [[String: Any]])?.first)
        XCTAssertEqual(row["metric"] as? String, "process_open_fds")
        XCTAssertEqual(row["labels"] as? [String: String], ["job": "etcd"], "instance is ignored: both instances form one group")
        XCTAssertEqual(row["verdict"] as? String, "regression")
        let level = try XCTUnwrap(row["level"] as? [String: Any])
        XCTAssertEqual(Set(level.keys), ["baseline_median", "candidate_median", "shift", "shift_ci", "ratio"])
        let growth = try XCTUnwrap(row["growth"] as? [String: Any])
        XCTAssertEqual(Set(growth.keys), ["baseline_per_hour", "candidate_per_hour", "difference_per_hour", "difference_ci"])
        let interval = try XCTUnwrap(growth["difference_ci"] as? [Double])
        // 2 % of 120 fds per hour is 2.4/h; the interval must hold it and exclude 0.
        XCTAssertLessThan(interval[0], 2.4)
        XCTAssertGreaterThan(interval[1], 2.4)
        XCTAssertGreaterThan(interval[0], 0)
        XCTAssertEqual((row["restarts_per_day"] as? [String: Any])?["candidate"] as? Double, 0)

        // Gating on the level only: the median after warm-up moved by ~7 % (2 %/h at 3.5 h), within
        // the 10 % tolerance.
        let levelOnly = try run(["compare", "--baseline-input", baseline, "--candidate-input", candidate, "--fail-on", "level"])
        XCTAssertEqual(levelOnly.status, 0, levelOnly.stdout + levelOnly.stderr)
    }

    /// The store input with time ranges: both runs imported into one database, a day apart.
    func testTimeRangesOfOneStoreCompareLikeFiles() throws {
        let day: Int64 = 86_400_000
        let baseline = try file("range-old.om", run(version: "3.4.23", fds: 120, growthPerHour: 0, seed: 6))
        let candidate = try file("range-new.om", run(version: "3.5.1", fds: 120, growthPerHour: 0.02, seed: 7,
                                                     startMs: SyntheticCorpus.defaultStartMs + day))
        let database = try file("range.db", "")
        try FileManager.default.removeItem(atPath: database)
        for input in [baseline, candidate] {
            let imported = try run(["import", "--db", database, input])
            XCTAssertEqual(imported.status, 0, imported.stderr)
        }
        let start = SyntheticCorpus.defaultStartMs / 1000
        let result = try run(["compare", "--db", database, "--match", "process_open_fds",
                              "--baseline-from", "\(start)", "--baseline-to", "\(start + 6 * 3600)",
                              "--candidate-from", "2026-01-02T00:00:00Z", "--candidate-to", "2026-01-02T06:00:00Z",
                              "--fail-on", "growth", "--format", "json"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((document["candidate"] as? [String: Any])?["from"] as? String, "2026-01-02T00:00:00Z")
        XCTAssertEqual((document["rows"] as? [[String: Any]])?.first?["verdict"] as? String, "regression")
        let empty = try run(["compare", "--db", database, "--baseline-from", "0", "--baseline-to", "10",
                             "--candidate-from", "\(start)", "--candidate-to", "\(start + 3600)"])
        XCTAssertEqual(empty.status, 2, empty.stdout + empty.stderr)
    }

    func testIdenticalRunsPassAndMarkdownIsATable() throws {
        let baseline = try file("a.om", run(version: "1.0", fds: 80, growthPerHour: 0, seed: 3))
        let candidate = try file("b.om", run(version: "1.1", fds: 80, growthPerHour: 0, seed: 4))
        let result = try run(["compare", "--baseline-input", baseline, "--candidate-input", candidate, "--format", "markdown"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("### soak compare: no-change"), result.stdout)
        XCTAssertTrue(result.stdout.contains("| no-change | process_open_fds | job=\"etcd\" |"), result.stdout)
    }

    func testUnusableInputsExitTwoAndShortRunsExitThree() throws {
        let good = try file("good.om", run(version: "1.0", fds: 80, growthPerHour: 0, seed: 5))
        let broken = try file("broken.om", "# TYPE process_open_fds gauge\nprocess_open_fds{job=\"etcd\" 12 1767225600\n# EOF\n")
        let bad = try run(["compare", "--baseline-input", good, "--candidate-input", broken])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("broken.om:2:"), bad.stderr)
        let missing = try run(["compare", "--baseline-input", good, "--candidate-input", "/nonexistent.om"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read /nonexistent.om"), missing.stderr)

        let short = try file("short.om", SyntheticCorpus.openMetricsText([CorpusSeries(
            name: "process_open_fds", labels: ["job": "etcd"], shape: .fdChurn, onsetMs: nil,
            startMs: SyntheticCorpus.defaultStartMs, spacingMs: 30_000, values: Array(repeating: 50, count: 100))]))
        let inconclusive = try run(["compare", "--baseline-input", short, "--candidate-input", good])
        XCTAssertEqual(inconclusive.status, 3, inconclusive.stdout + inconclusive.stderr)

        let usage = try run(["compare", "--baseline-input", good])
        XCTAssertEqual(usage.status, 64)
    }
}
