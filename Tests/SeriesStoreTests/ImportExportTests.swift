import SoakModel
import Foundation
import XCTest
@testable import SeriesStore

/// OpenMetrics export text, and the `soak export` → `soak import` round trip end to end.
final class ImportExportTests: XCTestCase {
    private func exportText(_ store: SeriesStore, _ selector: SeriesSelector = .all) throws -> String {
        var export = OpenMetricsExport(store: store)
        var bytes: [UInt8] = []
        try export.write(matching: selector) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testExportWritesFamiliesGroupsAndExactTimestamps() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("e.db"))
        store.setMetricFamily(StoredMetricFamily(name: "lat", type: "histogram", help: "Latency \\ in \"s\".", unit: "seconds"))
        for (index, time) in [Int64(1_700_000_000_000), 1_700_000_015_050].enumerated() {
            let n = Double(index)
            try store.append(metric: "lat_sum", labels: [], timestampMs: time, value: 0.5 + n)
            try store.append(metric: "lat_count", labels: [], timestampMs: time, value: 2 + n)
            try store.append(metric: "lat_bucket", labels: [Label("le", "+Inf")], timestampMs: time, value: 2 + n)
            try store.append(metric: "lat_bucket", labels: [Label("le", "10")], timestampMs: time, value: 2)
            try store.append(metric: "lat_bucket", labels: [Label("le", "2.5")], timestampMs: time, value: 1)
        }
        try store.append(metric: "up", labels: [Label("pod", "a\"b\\c\nd")], timestampMs: -1_500, value: -0.0)
        try store.append(metric: "up", labels: [Label("pod", "a\"b\\c\nd")], timestampMs: 7, value: .nan)
        try store.append(metric: "up", labels: [Label("pod", "a\"b\\c\nd")], timestampMs: 8,
                         value: Double(bitPattern: staleMarkerBits))
        try store.append(metric: "up", labels: [Label("pod", "a\"b\\c\nd")], timestampMs: 9, value: -.infinity)
        XCTAssertEqual(try exportText(store), """
            # TYPE lat histogram
            # UNIT lat seconds
            # HELP lat Latency \\\\ in \\"s\\".
            lat_bucket{le="2.5"} 1.0 1700000000
            lat_bucket{le="10"} 2.0 1700000000
            lat_bucket{le="+Inf"} 2.0 1700000000
            lat_count 2.0 1700000000
            lat_sum 0.5 1700000000
            lat_bucket{le="2.5"} 1.0 1700000015.05
            lat_bucket{le="10"} 2.0 1700000015.05
            lat_bucket{le="+Inf"} 3.0 1700000015.05
            lat_count 3.0 1700000015.05
            lat_sum 1.5 1700000015.05
            up{pod="a\\"b\\\\c\\nd"} -0.0 -1.5
            up{pod="a\\"b\\\\c\\nd"} NaN 0.007
            up{pod="a\\"b\\\\c\\nd"} -Inf 0.009
            # EOF

            """)
        XCTAssertEqual(try exportText(store, SeriesSelector(parsing: #"lat_bucket{le=~"1.*|2.*"}"#)).split(separator: "\n").count, 4 + 3 + 1, "2 series × 2 samples, TYPE/UNIT/HELP, EOF")
    }

    /// Runs the `soak` executable built next to the tests; returns stdout.
    private func soak(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: ImportExportTests.self).bundleURL.deletingLastPathComponent()]
        guard let binary = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            XCTFail("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`", file: file, line: line)
            return Data()
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "soak \(arguments.joined(separator: " ")): \(message)", file: file, line: line)
        return data
    }

    func testExportThenImportIsBitExact() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var rng = SeededGenerator(seed: 0xE0E0)
        var expected: [SeriesKey: (times: [Int64], values: [Double])] = [:]
        do {
            let store = try SeriesStore(path: dir.path("a.db"))
            store.setMetricFamily(StoredMetricFamily(name: "requests", type: "counter", help: "Requests."))
            for series in 0..<30 {
                let metric = series < 10 ? "requests_total" : "value_\(series % 3)"
                let key = SeriesKey(metric: metric, labels: [Label("n", "\(series)"), Label("q", "x\"y")])
                var time = 1_600_000_000_000 + Int64(rng.next() % 1_000_000)
                var times: [Int64] = []
                var values: [Double] = []
                for _ in 0..<(50 + Int(rng.next() % 200)) {
                    var value = Double(bitPattern: rng.next())
                    switch rng.next() % 8 {
                    case 0: value = ChunkCodecPropertyTests.edgeValues[Int(rng.next() % UInt64(ChunkCodecPropertyTests.edgeValues.count))]
                    case 1: value = Double(rng.next() % 1_000_000) * 4096
                    case 2: value = Double(bitPattern: rng.next() & 0x000f_ffff_ffff_ffff)  // subnormal
                    default: break
                    }
                    if metric == "requests_total" && (value.isNaN || value < 0) { value = value.magnitude.isNaN ? 0 : value.magnitude }
                    try store.append(metric: key.metric, labels: key.labels, timestampMs: time, value: value)
                    if value.bitPattern != staleMarkerBits {
                        times.append(time)
                        values.append(value)
                    }
                    time += 1 + Int64(rng.next() % 30_000)
                }
                expected[key] = (times, values)
            }
            try store.close()
        }
        let text = try soak(["export", "--db", dir.path("a.db")])
        try text.write(to: URL(fileURLWithPath: dir.path("a.om")))
        _ = try soak(["import", "--db", dir.path("b.db"), dir.path("a.om")])
        let imported = try SeriesStore(path: dir.path("b.db"))
        XCTAssertEqual(imported.seriesCount, expected.count)
        XCTAssertEqual(imported.metricFamilies["requests"]?.type, "counter")
        for (key, want) in expected {
            let got = try imported.samples(of: try XCTUnwrap(imported.existingSeriesID(for: key), "\(key)"))
            XCTAssertEqual(got.timestampsMs, want.times, "\(key)")
            // Text carries no NaN payload: every NaN comes back as the parser's one NaN.
            let canonical = { (value: Double) in value.isNaN ? Double.nan.bitPattern : value.bitPattern }
            XCTAssertEqual(got.values.map(canonical), want.values.map(canonical), "\(key)")
            XCTAssertEqual(got.values.filter(\.isNaN).count, want.values.filter(\.isNaN).count)
        }
        XCTAssertTrue(String(decoding: text, as: UTF8.self).contains("# TYPE requests counter\n"))
        // A second trip changes nothing at all.
        let again = try soak(["export", "--db", dir.path("b.db")])
        XCTAssertEqual(again, text)
    }

    func testCounterWithANegativeValueIsExportedUntypedSoItStillParses() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        do {
            let store = try SeriesStore(path: dir.path("c.db"))
            store.setMetricFamily(StoredMetricFamily(name: "resets", type: "counter"))
            try store.append(metric: "resets_total", labels: [], timestampMs: 1_000, value: 3)
            try store.append(metric: "resets_total", labels: [], timestampMs: 2_000, value: -1)
            try store.close()
        }
        let text = try soak(["export", "--db", dir.path("c.db")])
        XCTAssertEqual(String(decoding: text, as: UTF8.self), "resets_total 3.0 1\nresets_total -1.0 2\n# EOF\n")
        try text.write(to: URL(fileURLWithPath: dir.path("c.om")))
        _ = try soak(["import", "--db", dir.path("d.db"), dir.path("c.om")])
        let imported = try SeriesStore(path: dir.path("d.db"))
        XCTAssertEqual(try imported.samples(matching: .metric("resets_total")).first?.values, [3, -1])
    }

    /// Prometheus' own backfill tool reads the export (`promtool` from Debian's prometheus package,
    /// which `make test` installs).
    func testPromtoolCreatesBlocksFromTheExport() throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("promtool is not installed (Debian package prometheus)")
        }
        let dir = ScratchDirectory()
        defer { dir.remove() }
        do {
            let store = try SeriesStore(path: dir.path("p.db"))
            store.setMetricFamily(StoredMetricFamily(name: "requests", type: "counter"))
            var rng = SeededGenerator(seed: 1)
            for step in 0..<500 {
                let time = 1_700_000_000_000 + Int64(step) * 15_000 + Int64(rng.next() % 7)
                try store.append(metric: "requests_total", labels: [Label("code", "200")], timestampMs: time, value: Double(step * 3))
                try store.append(metric: "rss", labels: [Label("pod", "p\"q")], timestampMs: time, value: Double(rng.next() % 100_000) * 4096)
            }
            try store.close()
        }
        try soak(["export", "--db", dir.path("p.db")]).write(to: URL(fileURLWithPath: dir.path("p.om")))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["tsdb", "create-blocks-from", "openmetrics", dir.path("p.om"), dir.path("blocks")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        // One row per 2-h block: ULID, min time, max time, duration, samples, chunks, series, size.
        let rows = text.split(separator: "\n").filter { $0.first?.isNumber == true }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        XCTAssertEqual(rows.count, 2, "500 samples at 15 s span two 2-h blocks: \(text)")
        XCTAssertEqual(rows.map { Int($0[4]) ?? 0 }.reduce(0, +), 1_000, "every sample is in a block: \(text)")
        XCTAssertEqual(rows.map { $0[6] }, ["2", "2"], text)
    }
}
