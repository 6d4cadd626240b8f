import SoakModel
import Foundation
import MetricsScrape
import XCTest
@testable import SoakDaemon

/// The pieces `/metrics` and the API are made of, without a socket.
final class HTTPExpositionTests: XCTestCase {
    func testLabelValuesEscapeBackslashQuoteAndNewlineOnly() {
        var writer = ExpositionTextWriter()
        writer.sample("m", labels: [("a", "x\\y\"z\nw\tv")], value: 1)
        XCTAssertEqual(writer.text, "m{a=\"x\\\\y\\\"z\\nw\tv\"} 1\n")
    }

    func testHelpEscapesBackslashAndNewline() {
        var writer = ExpositionTextWriter()
        writer.family("m", type: .gauge, help: "a\\b\nc \"d\"")
        XCTAssertEqual(writer.text, "# HELP m a\\\\b\\nc \"d\"\n# TYPE m gauge\n")
    }

    func testValuesAreFormattedAsPrometheusDoes() {
        XCTAssertEqual(ExpositionTextWriter.formatValue(2), "2")
        XCTAssertEqual(ExpositionTextWriter.formatValue(-3), "-3")
        XCTAssertEqual(ExpositionTextWriter.formatValue(0.25), "0.25")
        XCTAssertEqual(ExpositionTextWriter.formatValue(1e20), "1e+20")
        XCTAssertEqual(ExpositionTextWriter.formatValue(.nan), "NaN")
        XCTAssertEqual(ExpositionTextWriter.formatValue(.infinity), "+Inf")
        XCTAssertEqual(ExpositionTextWriter.formatValue(-.infinity), "-Inf")
    }

    func testLabelNamesAreSanitised() {
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("__name__"), "series_name")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("__meta_pod"), "series__meta_pod")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("pod-name"), "pod_name")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("app.kubernetes.io/name"), "app_kubernetes_io_name")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("9lives"), "_9lives")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("ünï"), "_n_")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName(""), "_")
        XCTAssertEqual(ExpositionTextWriter.sanitizedLabelName("job"), "job")
    }

    func testCollidingLabelsAreExportedAndDuplicateSeriesWrittenOnce() throws {
        let labels = ["__name__": "m", "a-b": "1", "a_b": "2", "resource": "x"]
        let finding = FindingSnapshot(id: "1", seriesLabels: labels, resource: .memory, state: .suspect,
                                      slopePerHour: 1, growthPercentPerHour: 1, hoursToExhaustion: nil, confidence: 0.9)
        var twin = finding
        twin.id = "2"
        var writer = ExpositionTextWriter()
        LeakGaugeFamilies.write(findings: [finding, twin], into: &writer)
        let parsed = try ExpositionParser.parse(Array(writer.text.utf8), format: .prometheusText)
        let states = parsed.samples.filter { $0.name == "soak_leak_state" }
        XCTAssertEqual(states.count, 1, writer.text)
        let names = Dictionary(uniqueKeysWithValues: try XCTUnwrap(states.first).labels.map { ($0.name, $0.value) })
        XCTAssertEqual(names, ["series_name": "m", "a_b": "1", "exported_a_b": "2", "exported_resource": "x", "resource": "memory"])
        XCTAssertEqual(states.first?.value, 1)
    }

    func testResolvedFindingReadsZeroOnTheStateGauge() {
        XCTAssertEqual(LeakVerdict.ok.gaugeValue, 0)
        XCTAssertEqual(LeakVerdict.suspect.gaugeValue, 1)
        XCTAssertEqual(LeakVerdict.leak.gaugeValue, 2)
        XCTAssertEqual(LeakVerdict.resolved.gaugeValue, 0)
    }

    func testHelpIsAddedToCataloguedRegistryFamiliesOnly() {
        let input = "# TYPE soak_series_tracked gauge\nsoak_series_tracked 3\n# TYPE other_total counter\nother_total 1\n"
        XCTAssertEqual(MetricsPage.addingHelp(to: input),
                       "# HELP soak_series_tracked Series in the store (every kept series; the leak detector watches the resource series among them).\n" + input)
        XCTAssertEqual(MetricsPage.addingHelp(to: ""), "")
    }

    func testListenAddressParsing() throws {
        let v4 = try MonitorHTTPConfiguration(listenAddress: "127.0.0.1:9847")
        XCTAssertEqual(v4.host, "127.0.0.1")
        XCTAssertEqual(v4.port, 9847)
        XCTAssertTrue(v4.isLoopback)
        let v6 = try MonitorHTTPConfiguration(listenAddress: "[::1]:0")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.port, 0)
        XCTAssertTrue(v6.isLoopback)
        XCTAssertEqual(v6.listenAddress, "[::1]:0")
        let any = try MonitorHTTPConfiguration(listenAddress: ":9847")
        XCTAssertEqual(any.host, "0.0.0.0")
        XCTAssertFalse(any.isLoopback)
        for bad in ["9847", "host:", "host:99999", "::1:9847", "[::1]9847", "h:p"] {
            XCTAssertThrowsError(try MonitorHTTPConfiguration(listenAddress: bad), bad) { error in
                XCTAssertEqual((error as? MonitorHTTPError)?.kind, .invalidListenAddress)
            }
        }
        let defaults = MonitorHTTPConfiguration()
        XCTAssertEqual(defaults.listenAddress, "127.0.0.1:9847")
        XCTAssertNil(defaults.bearerTokenFile)
    }

    func testTargetURLLosesUserinfo() {
        XCTAssertEqual(TargetSnapshot.removingUserinfo("https://u:p@h:1/metrics?x=1"), "https://h:1/metrics?x=1")
        XCTAssertEqual(TargetSnapshot.removingUserinfo("http://u:p@w@h/m"), "http://h/m")
        XCTAssertEqual(TargetSnapshot.removingUserinfo("http://h/m?email=a@b"), "http://h/m?email=a@b")
        XCTAssertEqual(TargetSnapshot.removingUserinfo("not a url"), "not a url")
    }

    func testFindingSnapshotFromLeakFindingKeepsIdentity() {
        let finding = LeakFinding(
            seriesLabels: ["__name__": "go_goroutines", "job": "etcd"], resource: .goroutines, state: .resolved,
            severity: .warning, slopePerHour: 50, growthPercentPerHour: 2, hoursToExhaustion: nil, confidence: 0.99,
            onsetAt: HTTPFixtures.onset, firstAlertAt: HTTPFixtures.onset, resolvedAt: HTTPFixtures.onset.addingTimeInterval(60),
            findingID: "9", externalURL: "http://x")
        let snapshot = FindingSnapshot(finding: finding)
        XCTAssertEqual(snapshot.id, "9")
        XCTAssertEqual(snapshot.state, .resolved)
        XCTAssertNil(snapshot.severity)
        XCTAssertEqual(snapshot.dedupeKey, finding.dedupeKey)
        XCTAssertEqual(snapshot.resolvedAt, finding.resolvedAt)
    }
}
