import Foundation
import XCTest

/// `soak lint` end to end: the built executable on files (which it maps rather than reads).
final class LintCommandTests: XCTestCase {
    private func file(_ name: String, _ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-lint-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testValidFileIsSummarisedWithDistinctSeries() throws {
        var text = "# HELP q_length Items.\n# TYPE q_length gauge\n"
        // Label order differs from line to line; each series appears once.
        for index in 0..<1_000 {
            text += index % 2 == 0 ? "q_length{pod=\"p\(index)\",zone=\"a\"} \(index)\n" : "q_length{zone=\"a\",pod=\"p\(index)\"} \(index)\n"
        }
        let path = try file("valid.prom", text)
        let result = try SoakProcess.run(["lint", path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("\(path): valid Prometheus text 0.0.4"), result.stdout)
        let gauge = result.stdout.split(separator: "\n").first { $0.hasSuffix("gauge") }.map {
            $0.split(separator: " ").map(String.init)
        }
        XCTAssertEqual(gauge, ["1", "1000", "1000", "gauge"])
    }

    func testSameSeriesWithLabelsInAnotherOrderIsADuplicate() throws {
        let text = "# TYPE q_length gauge\nq_length{pod=\"p1\",zone=\"a\"} 1\nq_length{zone=\"a\",pod=\"p1\"} 7\n"
        let path = try file("reordered.prom", text)
        let result = try SoakProcess.run(["lint", path])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("\(path):3:1: duplicate series: q_length with the same labels already at line 2"), result.stdout)
    }

    func testErrorsNameFileLineAndColumnAndExitOne() throws {
        let path = try file("broken.prom", "# TYPE a gauge\na 1\na{x=\"1\" 2\nb 3\nc{ 4\n")
        let result = try SoakProcess.run(["lint", path])
        XCTAssertEqual(result.status, 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("\(path):3:") || $0.hasPrefix("\(path):5:") }
        XCTAssertEqual(errors.count, 2, result.stdout)
        XCTAssertTrue(result.stdout.contains("INVALID Prometheus text 0.0.4 (2 errors)"), result.stdout)
    }

    func testMissingFileAndEmptyFile() throws {
        let missing = try SoakProcess.run(["lint", "/nonexistent/soak-lint.prom"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/soak-lint.prom: no such file"), missing.stderr)
        let empty = try SoakProcess.run(["lint", try file("empty.prom", "")])
        XCTAssertEqual(empty.status, 0, empty.stdout + empty.stderr)
    }
}
