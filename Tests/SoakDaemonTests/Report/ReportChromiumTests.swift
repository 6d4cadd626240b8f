import Foundation
import LeakDetection
import SeriesStore
import SoakModel
import SoakReport
import XCTest

/// The report in a real browser: hostile label values from a target stay text, nothing runs,
/// nothing loads. Checked in Chromium's DOM, console and NetLog, not by searching the HTML.
final class ReportChromiumTests: XCTestCase {
    /// What a compromised or buggy target can put in label values, marker details and errors.
    static let hostile: [String] = [
        "<script>document.title='PWNED-1'</script>",
        "</svg></title><script>document.title='PWNED-2'</script><svg>",
        "\" onload=\"document.title='PWNED-3'\" x=\"",
        "' onmouseover='document.title=`PWNED-4`' '",
        "javascript:document.title='PWNED-5'",
        "<img src=x onerror=\"document.title='PWNED-6'\"><img src=http://127.0.0.1:9/beacon.png>",
        "<style>body{background:url(http://127.0.0.1:9/css.png)}</style>",
        "&lt;script&gt;entity&lt;/script&gt;]]><!--",
        String(decoding: [0x76, 0xff, 0xfe, 0xc3, 0x28, 0x3c, 0x62, 0x3e], as: UTF8.self),
        "long-" + String(repeating: "<b>A</b>", count: 3000),
    ]

    func testHostileLabelValuesAppearAsTextAndNoScriptRunsNothingLoads() throws {
        try ChromiumPage.requireInstalled()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        let start: Int64 = 1_795_132_800_000
        for (index, value) in Self.hostile.enumerated() {
            let labels = [Label("job", "job-\(index)" + value), Label("instance", value), Label("pod", value)]
            for i in 0..<2880 {
                let t = start + Int64(i) * 30_000
                // A leak (so every series gets a finding chart) under a GC sawtooth, starting an
                // hour after each (re)start, 12 h apart: growth that could still be a warm-up
                // (τ up to 9 h) is called a leak only after about 5 hours.
                let h = max(0, Double(i % 1440 - 120)) / 120
                _ = try store.append(metric: "process_resident_memory_bytes", labels: labels, timestampMs: t,
                                     value: 300e6 * (1 + 0.03 * h) + Double(i % 20) * 1e6)
                _ = try store.append(metric: "go_goroutines", labels: labels, timestampMs: t, value: 500)
            }
            let target = "job-\(index)\(value)/\(value)"
            store.record(Marker(kind: .versionChange, target: target, timestampMs: start, detail: value))
            store.record(Marker(kind: .restart, target: target, timestampMs: start + 12 * 3_600_000, detail: value))
            store.record(ScrapeHealth(target: target, timestampMs: start + 60_000, up: false, durationSeconds: 0.1,
                                      samplesScraped: 0, error: value))
        }
        try store.flush()
        var request = ReportRequest()
        request.title = "hostile <script>document.title='PWNED-T'</script>"
        let out = directory.appendingPathComponent("report.html")
        let model = try ReportFile.write(store: store, request: request, to: out)
        try store.close()
        // Every hostile series leaks (the restart splits each into two episodes).
        XCTAssertEqual(Set(model.findings.map(\.series)).count, Self.hostile.count)

        let page = try ChromiumPage.load(out)
        XCTAssertEqual(page.consoleMessages, [], "no console message (a blocked script or load would log one)")
        XCTAssertEqual(page.pageRequests, [], "the page requested nothing")
        // Chromium serialises text with `<` as `&lt;`, so every `<` left in the DOM opens a real tag.
        let tags = Self.tags(in: page.dom)
        XCTAssertGreaterThan(tags.count, 100)
        XCTAssertEqual(tags.filter { $0.hasPrefix("<script") || $0.hasPrefix("<img") || $0.hasPrefix("<style") && $0 != "<style>" }, [],
                       "no script, image or second style element")
        // Chromium writes every attribute value in double quotes with `"` as `&quot;`: without the
        // values, a tag shows its attribute names.
        let names = tags.map { $0.replacingOccurrences(of: #""[^"]*""#, with: "\"\"", options: .regularExpression) }
        XCTAssertEqual(names.filter { $0.range(of: #"\son[a-z]+="#, options: .regularExpression) != nil }, [],
                       "no event handler attribute")
        XCTAssertEqual(tags.filter { $0.range(of: #"(href|src|xlink:href)="\s*javascript:"#, options: .regularExpression) != nil }, [],
                       "no javascript: URL in a link")
        XCTAssertFalse(page.dom.contains("<title>PWNED"), "the title is the page's own")
        // The values are there, as text (Chromium serialises text with < and > escaped).
        XCTAssertTrue(page.dom.contains("&lt;script&gt;document.title='PWNED-1'&lt;/script&gt;"))
        XCTAssertTrue(page.dom.contains("&lt;/svg&gt;&lt;/title&gt;&lt;script&gt;"))
        XCTAssertTrue(page.dom.contains("javascript:document.title='PWNED-5'"))
        XCTAssertTrue(page.dom.contains("&amp;lt;script&amp;gt;entity"), "an entity in a value stays literal text")
        XCTAssertTrue(page.dom.contains("v\u{FFFD}\u{FFFD}\u{FFFD}(&lt;b&gt;"), "invalid UTF-8 shows as replacement characters")
        XCTAssertTrue(page.dom.contains("characters)"), "a very long value is cut for display")
        // Every finding has its chart: an SVG right after the finding's heading.
        XCTAssertEqual(page.dom.components(separatedBy: "<article class=\"finding").count - 1, model.findings.count)
        XCTAssertEqual(page.dom.components(separatedBy: "<polyline class=\"level\"").count - 1, model.findings.count)

        let png = try artifactDirectory().appendingPathComponent("report-hostile.png")
        try ChromiumPage.screenshot(out, to: png)
        print("screenshot of the hostile-label report: \(png.path)")
    }

    /// The checks above can fail: a page that runs a script and loads an image is caught by each.
    func testTheBrowserChecksCatchAScriptAndARequest() throws {
        try ChromiumPage.requireInstalled()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("control.html")
        try """
        <!DOCTYPE html><html><head><title>control</title></head><body><p id="p">static</p>
        <script>console.log("script ran"); document.getElementById("p").textContent = "changed"</script>
        <img src="http://127.0.0.1:9/beacon.png" onerror="console.log('handler ran')"></body></html>
        """.write(to: file, atomically: true, encoding: .utf8)
        let page = try ChromiumPage.load(file)
        XCTAssertTrue(page.consoleMessages.contains { $0.contains("script ran") }, "\(page.consoleMessages)")
        XCTAssertEqual(page.pageRequests, ["http://127.0.0.1:9/beacon.png"])
        XCTAssertTrue(page.dom.contains("<p id=\"p\">changed</p>"))
        let tags = Self.tags(in: page.dom)
        XCTAssertTrue(tags.contains { $0.hasPrefix("<script") })
        XCTAssertTrue(tags.contains { $0.contains(" onerror=") })
    }

    /// The start tags of serialised HTML, lowercased.
    static func tags(in dom: String) -> [String] {
        var tags: [String] = []
        var rest = dom[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[open...close].lowercased()
            if !tag.hasPrefix("</") && !tag.hasPrefix("<!") { tags.append(tag) }
            rest = rest[rest.index(after: close)...]
        }
        return tags
    }

    /// Screenshots are kept under the build folder (or the temporary directory) for a person to look at.
    private func artifactDirectory() throws -> URL {
        let build = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-artifacts")
        let directory = (try? FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)) != nil
            ? build : FileManager.default.temporaryDirectory
        return directory
    }
}
