import Crypto
import Foundation
import SeriesStore
import SoakModel
import XCTest
@testable import SoakReport

/// The page: escaping by construction, the policy, the comparison section.
final class ReportPageTests: XCTestCase {
    func testTemplatesInsertNothingRawAndTheStyleSheetNeedsNoEscaping() {
        for template in [ReportTemplates.page, ReportTemplates.chart] {
            XCTAssertFalse(template.contains("{{{"), "a raw {{{tag}}} bypasses escaping")
            XCTAssertFalse(template.contains("{{&"), "a raw {{&tag}} bypasses escaping")
            XCTAssertFalse(template.contains("style=\""), "the policy allows no style attribute")
            XCTAssertFalse(template.lowercased().contains("<script"))
        }
        for character in ["&", "<", ">", "\"", "'"] {
            XCTAssertFalse(ReportStyle.css.contains(character), "the style sheet holds \(character)")
        }
    }

    func testPolicyHashesExactlyTheInlineStyleSheet() throws {
        let html = try renderedFixture(comparison: nil)
        let start = try XCTUnwrap(html.range(of: "<style>"))
        let end = try XCTUnwrap(html.range(of: "</style>"))
        let css = String(html[start.upperBound..<end.lowerBound])
        let hash = Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString()
        XCTAssertTrue(html.contains("style-src &#39;sha256-\(hash)&#39;"), "policy names the sheet's hash")
        XCTAssertTrue(html.contains("default-src &#39;none&#39;"))
        XCTAssertFalse(html.contains("unsafe-inline"))
    }

    func testEveryFindingHasItsChartAndEveryComponentItsPanels() throws {
        let html = try renderedFixture(comparison: nil)
        XCTAssertEqual(html.components(separatedBy: "<article class=\"finding").count - 1, 1)
        let article = try XCTUnwrap(html.range(of: "id=\"R1\""))
        let rest = html[article.upperBound...]
        let svg = try XCTUnwrap(rest.range(of: "<svg class=\"chart\""))
        XCTAssertLessThan(rest.distance(from: rest.startIndex, to: svg.lowerBound), 600, "the chart opens the finding")
        for cls in ["range", "level", "trend", "onset"] { XCTAssertTrue(rest.contains("class=\"\(cls)\""), cls) }
        // 2 components × 5 panels + 1 finding chart.
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 11)
        XCTAssertTrue(html.contains("found by replaying the detector"))
    }

    func testComparisonSectionReadsTheCompareJSONAndOverlaysBothVersions() throws {
        let json = """
        {"verdict": "regression",
         "baseline": {"from": "2026-11-20T00:00:00Z", "to": "2026-11-20T06:00:00Z", "versions": ["3.4.23"], "series": 5},
         "candidate": {"from": 1795154400, "to": 1795176000, "versions": ["3.5.1"], "series": 5},
         "rows": [
          {"metric": "process_resident_memory_bytes", "labels": {"job": "etcd"}, "resource": "memory",
           "verdict": "regression", "reason": "",
           "level": {"baseline_median": 4.1e8, "candidate_median": 4.6e8, "shift": 5.0e7, "shift_ci": [4.1e7, 5.9e7], "ratio": 1.12},
           "growth": {"baseline_per_hour": 1.0e5, "candidate_per_hour": 1.3e7, "difference_per_hour": 1.29e7, "difference_ci": [1.0e7, 1.5e7]},
           "restarts_per_day": {"baseline": 0, "candidate": 0}},
          {"metric": "go_goroutines", "labels": {"job": "etcd", "instance": "ignored"}, "resource": "goroutines",
           "verdict": "inconclusive", "reason": "too few points", "level": null, "growth": null,
           "restarts_per_day": {"baseline": 0, "candidate": null}}
         ]}
        """
        let document = try ComparisonDocument.decode(Data(json.utf8), source: "compare.json")
        XCTAssertEqual(document.rows.count, 2)
        XCTAssertEqual(document.candidate.from?.ms, 1_795_154_400_000)
        XCTAssertEqual(document.rows[0].level?.shiftCI, [4.1e7, 5.9e7])
        let html = try renderedFixture(comparison: document)
        XCTAssertTrue(html.contains("<section id=\"comparison\">"))
        XCTAssertTrue(html.contains("class=\"verdict-regression\">regression"))
        XCTAssertTrue(html.contains("too few points"))
        // The fixture's etcd series cover both sides' spans: both versions are drawn on one axis.
        XCTAssertTrue(html.contains("class=\"baseline\" points="))
        XCTAssertTrue(html.contains("class=\"candidate\" points="))
        XCTAssertTrue(html.contains("baseline 3.4.23"))
    }

    func testBadComparisonJSONNamesTheFileAndThePlace() {
        let json = #"{"verdict": "regression", "baseline": {"versions": []}, "candidate": {"versions": []}, "rows": [{"labels": {}}]}"#
        XCTAssertThrowsError(try ComparisonDocument.decode(Data(json.utf8), source: "cmp.json")) { error in
            XCTAssertEqual((error as? ReportError)?.kind, .badInput)
            XCTAssertEqual((error as? ReportError)?.message, "cmp.json: missing \"metric\" at $.rows[0]")
        }
    }

    private func renderedFixture(comparison: ComparisonDocument?) throws -> String {
        let directory = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        defer { try? store.close() }
        try ReportFixtures.fill(store, leakPercentPerHour: 3)
        try ReportFixtures.fill(store, job: "etcd", instance: "10.0.0.2:2379", leakPercentPerHour: 0)
        var request = ReportRequest()
        request.comparison = comparison
        return try ReportFile.html(store: store, request: request)
    }
}
