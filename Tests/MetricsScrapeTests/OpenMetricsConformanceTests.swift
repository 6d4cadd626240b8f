import SoakModel
import Foundation
import XCTest
@testable import MetricsScrape

/// The OpenMetrics conformance suite: every case's verdict (`shouldParse`) must match ours.
final class OpenMetricsConformanceTests: XCTestCase {
    func testEveryConformanceCaseGetsTheExpectedVerdict() throws {
        let suite = SharedTestData.root.appendingPathComponent("openmetrics-parsers")
        let cases = try FileManager.default.contentsOfDirectory(atPath: suite.path)
            .filter { FileManager.default.fileExists(atPath: suite.appendingPathComponent("\($0)/test.json").path) }
            .sorted()
        XCTAssertEqual(cases.count, 211, "the suite should hold 211 cases")
        var disagreements: [String] = []
        for name in cases {
            let folder = suite.appendingPathComponent(name)
            let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("test.json"))) as! [String: Any]
            let shouldParse = spec["shouldParse"] as! Bool
            let input = [UInt8](try Data(contentsOf: folder.appendingPathComponent(spec["file"] as? String ?? "metrics")))
            do {
                _ = try ExpositionParser.parse(input, format: .openMetrics)
                if !shouldParse { disagreements.append("\(name): accepted, but the suite says it is invalid") }
            } catch {
                if shouldParse { disagreements.append("\(name): rejected (\(error)), but the suite says it is valid") }
            }
        }
        XCTAssert(disagreements.isEmpty, "\(disagreements.count) of \(cases.count) cases disagree:\n" + disagreements.joined(separator: "\n"))
    }

    func testCounterWithExemplarAndCreatedParsesEveryPart() throws {
        let input = Array("""
        # TYPE rpc counter
        # UNIT rpc seconds
        # HELP rpc Time \\"spent\\".
        """.utf8)
        // The unit must suffix the name: this family is invalid.
        XCTAssertThrowsError(try ExpositionParser.parse(input + Array("\n# EOF\n".utf8), format: .openMetrics))

        let valid = Array("""
        # TYPE rpc_seconds counter
        # UNIT rpc_seconds seconds
        # HELP rpc_seconds Time \\"spent\\".
        rpc_seconds_total{code="200"} 17.5 1700000000.25 # {trace_id="abc"} 0.25 1700000000.125
        rpc_seconds_created{code="200"} 1699990000 1700000000.25
        # EOF

        """.utf8)
        var recorder = Recorder()
        try ExpositionParser(format: .openMetrics).parse(valid, into: &recorder)
        XCTAssertEqual(recorder.families, [MetricFamily(name: "rpc_seconds", type: .counter, help: "Time \"spent\".", unit: "seconds")])
        XCTAssertEqual(recorder.samples.map(\.name), ["rpc_seconds_total", "rpc_seconds_created"])
        XCTAssertEqual(recorder.roles, [.total, .created])
        XCTAssertEqual(recorder.samples[0].timestampMs, 1_700_000_000_250)
        XCTAssertEqual(recorder.samples[0].value, 17.5)
        XCTAssertEqual(recorder.exemplars, ["trace_id=abc 0.25 @1700000000.125"])
    }

    func testErrorsNameLineAndColumn() {
        let input = Array("# TYPE a gauge\na{le 1\n# EOF\n".utf8)
        XCTAssertThrowsError(try ExpositionParser.parse(input, format: .openMetrics)) { error in
            XCTAssertEqual("\(error)", "line 2:5: expected '=' after label name \"le\", found ' '")
        }
    }

    func testMissingEOFIsReportedAfterTheLastLine() {
        XCTAssertThrowsError(try ExpositionParser.parse(Array("a 1\n".utf8), format: .openMetrics)) { error in
            XCTAssertEqual("\(error)", "line 2:1: missing '# EOF' at the end of an OpenMetrics exposition")
        }
    }
}

/// Records what the parser visits, copied out.
struct Recorder: ExpositionVisitor {
    var families: [MetricFamily] = []
    var samples: [Sample] = []
    var roles: [SampleRole] = []
    var exemplars: [String] = []

    mutating func visit(family: FamilyView) { families.append(family.materialize()) }

    mutating func visit(sample: SampleView) {
        samples.append(sample.materialize())
        roles.append(sample.role)
        if let e = sample.exemplar {
            let labels = e.labels.materialize().map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            exemplars.append("\(labels) \(e.value)" + (e.timestampSeconds.map { " @\($0)" } ?? ""))
        }
    }
}
