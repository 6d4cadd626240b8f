import XCTest
@testable import MetricsScrape

/// `ExpositionSummary`, the visitor behind `soak lint`: counts per type, distinct series whatever
/// the label order, hints.
final class ExpositionSummaryTests: XCTestCase {
    private func summarise(_ text: String, format: ExpositionFormat = .prometheusText) throws -> ExpositionSummary {
        var summary = ExpositionSummary()
        try ExpositionParser(format: format).parse(Array(text.utf8), into: &summary)
        return summary
    }

    func testSeriesAreCountedOnceWhateverTheLabelOrder() throws {
        let summary = try summarise("""
            # HELP q_length Items.
            # TYPE q_length gauge
            q_length{a="1",b="2"} 1
            q_length{b="2",a="1"} 2
            q_length{a="1",b="3"} 3
            q_length{a="1"} 4
            q_length 5
            q_length 6
            q_length{a="12",b=""} 7

            """)
        XCTAssertEqual(summary.countsByType[.gauge], ExpositionSummary.Counts(families: 1, series: 5, samples: 7))
        XCTAssertEqual(summary.total.series, 5)
    }

    func testFieldBoundariesAndNamesSeparateSeries() throws {
        // ("ab","c") and ("a","bc") must differ; so must the same labels under two names.
        let summary = try summarise("""
            # TYPE m untyped
            m{a="bc"} 1
            m{ab="c"} 1
            mm{a="bc"} 1
            m{a="b",c=""} 1
            m{a="b\\"c"} 1
            m{a="b\\\\c"} 1

            """)
        XCTAssertEqual(summary.total.series, 6)
        XCTAssertEqual(summary.total.samples, 6)
    }

    func testHistogramSeriesPerBucketAndHints() throws {
        let summary = try summarise("""
            # TYPE req_ms histogram
            req_ms_bucket{le="1"} 1
            req_ms_bucket{le="+Inf"} 2
            req_ms_sum 3
            req_ms_count 2
            # TYPE hits counter
            hits 1

            """)
        XCTAssertEqual(summary.countsByType[.histogram], ExpositionSummary.Counts(families: 1, series: 4, samples: 4))
        XCTAssertEqual(summary.countsByType[.counter], ExpositionSummary.Counts(families: 1, series: 1, samples: 1))
        XCTAssertNil(summary.countsByType[.gauge])
        XCTAssertEqual(Set(summary.hints.map(\.description)), [
            "req_ms: no HELP text", "hits: no HELP text", "hits: counter names should end in \"_total\"",
        ])
    }

    func testManyDistinctSeriesAreAllCounted() throws {
        var text = "# TYPE g gauge\n"
        for index in 0..<50_000 { text += "g{pod=\"p-\(index % 5_000)\",zone=\"z\(index / 5_000)\"} 1\n" }
        for index in 0..<1_000 { text += "g{zone=\"z\(index / 500)\",pod=\"p-\(index)\"} 2\n" }  // repeats, reordered
        let summary = try summarise(text)
        XCTAssertEqual(summary.total.series, 50_000)
        XCTAssertEqual(summary.total.samples, 51_000)
    }

    func testFingerprintSetGrowsAndKeepsMembers() {
        var set = SeriesFingerprintSet(capacity: 4)
        for index in 0..<10_000 {
            var fingerprinter = SeriesFingerprinter()
            withUnsafeBytes(of: UInt64(index)) { fingerprinter.add($0) }
            XCTAssertTrue(set.insert(fingerprinter.finish()))
        }
        for index in 0..<10_000 {
            var fingerprinter = SeriesFingerprinter()
            withUnsafeBytes(of: UInt64(index)) { fingerprinter.add($0) }
            XCTAssertFalse(set.insert(fingerprinter.finish()))
        }
        XCTAssertEqual(set.count, 10_000)
    }
}
