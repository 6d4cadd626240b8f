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
        for index in 0..<3_000 { text += "q_length{pod=\"p\(index % 1_000)\",zone=\"a\"} \(index)\n" }
        text += "q_length{zone=\"a\",pod=\"p1\"} 7\n"
        let path = try file("valid.prom", text)
        let result = try SoakExecutable.run(["lint", path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("\(path): valid Prometheus text 0.0.4"), result.stdout)
        let gauge = result.stdout.split(separator: "\n").first { $0.hasSuffix("gauge") }.map {
            $0.split(separator: " ").map(String.init)
        }
        XCTAssertEqual(gauge, ["1", "1000", "3001", "gauge"])
    }

    func testErrorsNameFileLineAndColumnAndExitOne() throws {
        let path = try file("broken.prom", "# TYPE a gauge\na 1\na{x=\"1\" 2\nb 3\nc{ 4\n")
        let result = try SoakExecutable.run(["lint", path])
        XCTAssertEqual(result.status, 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("\(path):3:") || $0.hasPrefix("\(path):5:") }
        XCTAssertEqual(errors.count, 2, result.stdout)
        XCTAssertTrue(result.stdout.contains("INVALID Prometheus text 0.0.4 (2 errors)"), result.stdout)
    }

    func testMissingFileAndEmptyFile() throws {
        let missing = try SoakExecutable.run(["lint", "/nonexistent/soak-lint.prom"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot read /nonexistent/soak-lint.prom"), missing.stderr)
        let empty = try SoakExecutable.run(["lint", try file("empty.prom", "")])
        XCTAssertEqual(empty.status, 0, empty.stdout + empty.stderr)
    }
}
