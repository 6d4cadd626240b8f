import Foundation
import XCTest

/// Issue 20's "found when probed" items on the command side: unusable input is exit 2 with the
/// file (and line), never a Cocoa error code or the usage text with 64; `soak import` stores
/// nothing from a file with bad samples; check-config warns about an open listener.
final class CommandInputTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func file(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testLintOfADirectoryOrMissingFileSaysWhichAndExitsTwo() throws {
        let run = try SoakProcess.run(["lint", directory.path])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "\(directory.path): is a directory; give a file\n")
        let missing = try SoakProcess.run(["lint", directory.appendingPathComponent("absent.prom").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasSuffix("absent.prom: no such file\n"), missing.stderr)
        XCTAssertFalse((run.stderr + missing.stderr).contains("Usage"))
    }

    func testAnalyzeWithoutTimestampsIsADataErrorNotUsage() throws {
        let path = try file("no-ts.om", "# TYPE process_open_fds gauge\nprocess_open_fds 12\n# EOF\n")
        let run = try SoakProcess.run(["analyze", "--input", path])
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("\(path): sample 1 (process_open_fds) has no timestamp"), run.stderr)
        XCTAssertFalse(run.stderr.contains("Usage"))
    }

    func testImportRefusesBadSamplesWithTheirLinesAndStoresNothing() throws {
        let database = directory.appendingPathComponent("soak.db").path
        let huge = String(repeating: "x", count: 70_000)
        let path = try file("bad.om", """
            # TYPE process_open_fds gauge
            process_open_fds{pod="a"} 12 1767225600
            process_open_fds{pod="b"} 12 1e30
            process_open_fds{pod="c"} 12 -100
            process_open_fds{pod="d"} 12
            process_open_fds{pod="\(huge)"} 12 1767225600
            # EOF

            """)
        let run = try SoakProcess.run(["import", "--db", database, path])
        XCTAssertEqual(run.status, 2, run.stderr)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, run.stderr)
        XCTAssertTrue(lines[0].hasPrefix("\(path):3: timestamp"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("\(path):4: timestamp"), lines[1])
        XCTAssertEqual(lines[2], "\(path):5: sample has no timestamp; a backfill file needs one on every sample")
        XCTAssertEqual(lines[3], "\(path):6: label pod has a value of 70000 bytes (at most 65536)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: database), "nothing stored, not even an empty database")

        let empty = try file("empty.om", "# EOF\n")
        let none = try SoakProcess.run(["import", "--db", database, empty])
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.stderr, "\(empty): no samples\n")

        let good = try file("good.om", "# TYPE process_open_fds gauge\nprocess_open_fds{pod=\"a\"} 12 1767225600\n# EOF\n")
        let imported = try SoakProcess.run(["import", "--db", database, good])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stderr.hasPrefix("imported 1 samples"), imported.stderr)
    }

    func testCheckConfigWarnsAboutAnOpenListenerWithoutAToken() throws {
        let config = """
            scrape_configs: [{job_name: a, static_configs: [{targets: ["127.0.0.1:9100"]}]}]
            web: {listen_address: "0.0.0.0:9847"}

            """
        let run = try SoakProcess.run(["check-config", try file("open.yml", config)])
        XCTAssertEqual(run.status, 0, "a warning, not a refusal: run allows it too")
        XCTAssertTrue(run.stdout.contains("warning: HTTP surface beyond loopback without web.bearer_token_file"), run.stdout)
        let loopback = try SoakProcess.run(["check-config", try file("loopback.yml", config.replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1"))])
        XCTAssertFalse(loopback.stdout.contains("warning: HTTP"), loopback.stdout)
    }
}

/// `soak lint` refuses an exposition that repeats a series (issue 20): Prometheus would reject
/// the scrape, so a check that passes it is wrong.
final class LintDuplicateSeriesTests: XCTestCase {
    func testARepeatedSeriesIsAnErrorWithBothLines() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("soak-lint-dup-\(UUID().uuidString).prom")
        defer { try? FileManager.default.removeItem(at: url) }
        try """
            # HELP process_open_fds Open fds.
            # TYPE process_open_fds gauge
            process_open_fds{pod="a",ns="x"} 12
            process_open_fds{pod="b",ns="x"} 13
            process_open_fds{ns="x",pod="a"} 14

            """.write(to: url, atomically: true, encoding: .utf8)
        let run = try SoakProcess.run(["lint", url.path])
        XCTAssertEqual(run.status, 1, run.stdout)
        XCTAssertTrue(run.stdout.contains("\(url.path):5:1: duplicate series: process_open_fds with the same labels already at line 3"), run.stdout)
        XCTAssertTrue(run.stdout.contains("INVALID"), run.stdout)

        // OpenMetrics history: the same series again with later timestamps is fine.
        try """
            # TYPE process_open_fds gauge
            process_open_fds{pod="a"} 12 1767225600
            process_open_fds{pod="a"} 13 1767225630
            # EOF

            """.write(to: url, atomically: true, encoding: .utf8)
        let history = try SoakProcess.run(["lint", "--format", "openmetrics", url.path])
        XCTAssertEqual(history.status, 0, history.stdout)
    }
}
