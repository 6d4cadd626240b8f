import SoakModel
import XCTest
@testable import MetricsScrape

/// Text format 0.0.4, as Prometheus' `expfmt` reads it, plus the real dumps in ../shared.
final class PrometheusTextTests: XCTestCase {
    private func parse(_ text: String) throws -> ParsedExposition {
        try ExpositionParser.parse(Array(text.utf8), format: .prometheusText)
    }

    private func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testRealDumpsParseWithExpfmtSampleCounts() throws {
        let expected = ["etcd-3.3.12.prom": 1078, "kubelet-1.13.4.prom": 438, "kube-proxy-1.13.4.prom": 104,
                        "prometheus-bench-alltypes.prom": 1857]
        for (file, count) in expected {
            let parsed = try ExpositionParser.parse(try SharedTestData.bytes("k8s-dumps/\(file)"), format: .prometheusText)
            XCTAssertEqual(parsed.samples.count, count, file)
        }
    }

    func testGluedCoreDNSScrapesAreRejectedAtTheRepeatedHelp() throws {
        let bytes = try SharedTestData.bytes("k8s-dumps/coredns-1.8-two-scrapes.prom")
        XCTAssertThrowsError(try ExpositionParser.parse(bytes, format: .prometheusText)) { error in
            XCTAssertEqual("\(error)", "line 335:8: second HELP line for metric name \"coredns_build_info\"")
        }
    }

    func testEscapesInLabelValuesAndHelp() throws {
        let parsed = try parse("""
        # HELP build_info Build \\\\ info\\nsecond line
        # TYPE build_info gauge
        build_info{path="C:\\\\tmp",quote="say \\"hi\\"",nl="a\\nb"} 1

        """)
        XCTAssertEqual(parsed.families, [MetricFamily(name: "build_info", type: .gauge, help: "Build \\ info\nsecond line")])
        XCTAssertEqual(parsed.samples[0].labels, [Label("path", "C:\\tmp"), Label("quote", "say \"hi\""), Label("nl", "a\nb")])
    }

    func testInvalidEscapesAreErrors() {
        XCTAssertEqual(error("a{b=\"\\t\"} 1\n"),
                       "line 1:6: invalid escape sequence in the value of label \"b\": only '\\\\', '\\\"' and '\\n' are allowed")
        XCTAssertEqual(error("# HELP a \\t\n"),
                       "line 1:10: invalid escape sequence in HELP text: only '\\\\' and '\\n' are allowed")
    }

    func testMillisecondTimestampsSpecialValuesAndBlankLines() throws {
        let parsed = try parse("""

        a 1 1700000000123
        b NaN

        c +Inf -5
        d -Inf
        e 1.5e3
        """)
        XCTAssertEqual(parsed.samples.map(\.timestampMs), [1_700_000_000_123, nil, -5, nil, nil])
        XCTAssertTrue(parsed.samples[1].value.isNaN)
        XCTAssertEqual(parsed.samples[2].value, .infinity)
        XCTAssertEqual(parsed.samples[3].value, -.infinity)
        XCTAssertEqual(parsed.samples[4].value, 1500)
    }

    func testFloatTimestampsAreNotText004() {
        XCTAssertEqual(error("a 1 1.5\n"), "line 1:5: invalid timestamp \"1.5\": text 0.0.4 wants integer milliseconds")
    }

    func testBlanksTrailingCommaAndCommentsAreAllowed() throws {
        let parsed = try parse("""
        # just a comment
        #  TYPE  x  counter
          x { a = "1" , b="2", }   3   42
        """)
        XCTAssertEqual(parsed.families, [MetricFamily(name: "x", type: .counter)])
        XCTAssertEqual(parsed.samples, [Sample(name: "x", labels: [Label("a", "1"), Label("b", "2")], value: 3, timestampMs: 42)])
    }

    func testRepeatedHelpAndTypeAreErrors() {
        XCTAssertEqual(error("# HELP a x\n# HELP a y\n"), "line 2:8: second HELP line for metric name \"a\"")
        XCTAssertEqual(error("# TYPE a gauge\n# TYPE a gauge\n"), "line 2:8: second TYPE line for metric name \"a\"")
        XCTAssertEqual(error("a 1\n# TYPE a gauge\n"), "line 2:1: TYPE line for metric name \"a\" reported after its samples")
    }

    func testHistogramAndSummaryFamiliesGroupTheirSuffixes() throws {
        var recorder = Recorder()
        try ExpositionParser(format: .prometheusText).parse(Array("""
        # TYPE lat histogram
        lat_bucket{le="0.1"} 1
        lat_bucket{le="+Inf"} 2
        lat_sum 0.3
        lat_count 2
        # TYPE rpc summary
        rpc{quantile="0.99"} 0.5
        rpc_sum 1
        rpc_count 4
        """.utf8), into: &recorder)
        XCTAssertEqual(recorder.families.map(\.name), ["lat", "rpc"])
        XCTAssertEqual(recorder.roles, [.bucket, .bucket, .sum, .count, .value, .sum, .count])
    }

    func testBucketWithoutNumericLeIsAnError() {
        XCTAssertEqual(error("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n"),
                       "line 2:14: expected a number as the value of label \"le\", found \"x\"")
        XCTAssertEqual(error("# TYPE h histogram\nh_bucket 1\n"), "line 2:1: histogram bucket without a \"le\" label")
    }

    func testMalformedLinesNameWhatIsWrong() {
        XCTAssertEqual(error("a{b=\"1\" 2\n"), "line 1:9: expected ',' or '}' after a label value, found '2'")
        XCTAssertEqual(error("a{b=\"1} 2\n"), "line 1:5: unterminated value of label \"b\"")
        XCTAssertEqual(error("a-b 1\n"), "line 1:2: invalid character '-' in metric name")
        XCTAssertEqual(error("a\n"), "line 1:2: expected a space and a value, found end of line")
        XCTAssertEqual(error("a 0x10\n"), "line 1:3: invalid value \"0x10\"")
        XCTAssertEqual(error("a{b=\"1\",b=\"2\"} 1\n"), "line 1:9: duplicate label name \"b\"")
        XCTAssertEqual(error("a 1 2 3\n"), "line 1:7: unexpected text after the timestamp")
    }

    func testInvalidUTF8InALabelValueIsAnError() {
        let input: [UInt8] = Array("a{b=\"x".utf8) + [0xFF] + Array("\"} 1\n".utf8)
        XCTAssertThrowsError(try ExpositionParser.parse(input, format: .prometheusText)) { error in
            XCTAssertEqual("\(error)", "line 1:6: value of label \"b\" is not valid UTF-8")
        }
    }

    func testContentTypeChoosesTheFormat() {
        XCTAssertEqual(ExpositionFormat(contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8"), .openMetrics)
        XCTAssertEqual(ExpositionFormat(contentType: "text/plain; version=0.0.4; charset=utf-8"), .prometheusText)
        XCTAssertEqual(ExpositionFormat(contentType: nil), .prometheusText)
    }
}
