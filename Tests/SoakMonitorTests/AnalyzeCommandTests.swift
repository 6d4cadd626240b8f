import Foundation
import XCTest
@testable import LeakDetection
import LeakEvaluation

/// `soak analyze` end to end: the built `soak` executable replays an OpenMetrics backfill file
/// through the streaming detector and reports per series.
final class AnalyzeCommandTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> SoakProcess.Run { try SoakProcess.run(arguments) }

    private func temporaryFile(_ name: String, contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-analyze-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// 8 h of 30-s samples: `shape(hours)` with 0.5 % deterministic noise.
    private func corpusSeries(instance: String, seed: UInt64, _ shape: (Double) -> Double) -> CorpusSeries {
        var random = SeededGenerator(seed: seed)
        let values = (0..<(8 * 120)).map { i in shape(Double(i) / 120) * (1 + 0.005 * random.normal()) }
        return CorpusSeries(name: "process_resident_memory_bytes",
                            labels: ["job": "test", "instance": instance], shape: .flatNoise, onsetMs: nil,
                            startMs: SyntheticCorpus.defaultStartMs, spacingMs: 30_000, values: values)
    }

    func testFailOnLeakExitsOneOnlyWhenALeakIsFound() throws {
        let leaking = corpusSeries(instance: "leaking", seed: 1) { h in 5e8 * (1 + 0.03 * h) }
        let flat = corpusSeries(instance: "flat", seed: 2) { _ in 5e8 }
        let both = try temporaryFile("both.om", contents: SyntheticCorpus.openMetricsText([leaking, flat]))
        let healthy = try temporaryFile("healthy.om", contents: SyntheticCorpus.openMetricsText([flat]))
        XCTAssertEqual(try run(["analyze", "--input", both.path]).status, 0, "without --fail-on a leak is reported, not a failure")
        let tripped = try run(["analyze", "--input", both.path, "--fail-on", "leak"])
        XCTAssertEqual(tripped.status, 1, tripped.stdout + tripped.stderr)
        XCTAssertTrue(tripped.stdout.contains("leak"), tripped.stdout)
        XCTAssertEqual(try run(["analyze", "--input", healthy.path, "--fail-on", "leak"]).status, 0)
        XCTAssertEqual(try run(["analyze", "--input", healthy.path, "--fail-on", "suspect"]).status, 0)
        XCTAssertEqual(try run(["analyze", "--input", both.path, "--fail-on", "suspect", "--format", "json"]).status, 1)
        XCTAssertEqual(try run(["analyze", "--input", both.path, "--fail-on", "everything"]).status, 64)
    }

    func testTextRowsJudgedOkDoNotShowARawGrowthFigure() throws {
        // A warm-up that levels off in the first hours: judged ok; its window's raw slope must
        // not appear as a bare growth figure beside "ok".
        let warmUp = corpusSeries(instance: "warm", seed: 3) { h in 5e8 * (0.5 + 0.5 * (1 - exp(-h / 0.7))) }
        let leaking = corpusSeries(instance: "leaking", seed: 1) { h in 5e8 * (1 + 0.03 * h) }
        let file = try temporaryFile("warm.om", contents: SyntheticCorpus.openMetricsText([warmUp, leaking]))
        let result = try run(["analyze", "--input", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        let okRow = try XCTUnwrap(lines.first { $0.contains("instance=\"warm\"") }, result.stdout)
        XCTAssertTrue(okRow.hasPrefix("ok"), String(okRow))
        let growth = okRow.split(separator: " ", omittingEmptySubsequences: true)[2]
        XCTAssertTrue(growth == "n.s." || growth.hasPrefix("("), "ok row shows \(growth): \(okRow)")
        let leakRow = try XCTUnwrap(lines.first { $0.contains("instance=\"leaking\"") }, result.stdout)
        XCTAssertTrue(leakRow.hasPrefix("leak"), String(leakRow))
        XCTAssertNotNil(Double(leakRow.split(separator: " ", omittingEmptySubsequences: true)[2]), String(leakRow))
    }

    func testAnalyzeReportsTheLeakingSeriesAsALeakAndTheFlatOneAsOk() throws {
        let leaking = corpusSeries(instance: "leaking", seed: 1) { h in 5e8 * (1 + 0.03 * h) }
        let flat = corpusSeries(instance: "flat", seed: 2) { _ in 5e8 }
        let file = try temporaryFile("corpus.om", contents: SyntheticCorpus.openMetricsText([leaking, flat]))
        let result = try run(["analyze", "--input", file.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let series = try XCTUnwrap(document["series"] as? [[String: Any]])
        func entry(_ instance: String) throws -> [String: Any] {
            try XCTUnwrap(series.first { ($0["labels"] as? [String: String])?["instance"] == instance }, "no \(instance) in \(result.stdout)")
        }
        let leak = try entry("leaking")
        XCTAssertEqual(leak["verdict"] as? String, "leak")
        XCTAssertEqual((leak["labels"] as? [String: String])?["__name__"], "process_resident_memory_bytes")
        XCTAssertEqual(leak["resource"] as? String, "memory")
        let firstAlertAt = try XCTUnwrap(leak["firstAlertAt"] as? Double, "leak without firstAlertAt")
        // The data's own time: inside the 8 h written, after the 1-h warm-up.
        let start = Double(SyntheticCorpus.defaultStartMs) / 1000
        XCTAssertGreaterThan(firstAlertAt, start + 3600)
        XCTAssertLessThanOrEqual(firstAlertAt, start + 8 * 3600)
        XCTAssertGreaterThan(try XCTUnwrap(leak["growthPercentPerHour"] as? Double), 1)
        let ok = try entry("flat")
        XCTAssertEqual(ok["verdict"] as? String, "ok")
        XCTAssertTrue(ok["firstAlertAt"] is NSNull, "a flat series has no alert")
    }

    /// Bad data is input that cannot be used: exit 2 (not 1, the gate, nor 64, usage).
    func testMalformedInputNamesTheLineAndExitsWithTwo() throws {
        let text = "# TYPE process_open_fds gauge\nprocess_open_fds 12 1767225600\nprocess_open_fds{job=\"x\" 13 1767225630\n# EOF\n"
        let file = try temporaryFile("malformed.om", contents: text)
        let result = try run(["analyze", "--input", file.path, "--format", "json"])
        XCTAssertEqual(result.status, 2)
        let output = result.stderr + result.stdout
        XCTAssertTrue(output.contains("\(file.path):3:"), "expected \(file.path):3:col: in \(output)")
        XCTAssertNotNil(output.range(of: "\(file.path):3:[0-9]+: ", options: .regularExpression), output)
    }
}
