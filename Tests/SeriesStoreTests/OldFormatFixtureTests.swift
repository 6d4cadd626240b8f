import Foundation
import XCTest
@testable import SeriesStore

/// A database written by the release `soak import` of schema version 3 (before decimal coding:
/// Gorilla v1 chunks, float and integer-column rollups) is migrated to the current version and
/// reads back every sample and rollup. Fixture: `Fixtures/schema3-before-decimal.sql` is
/// `sqlite3 .dump` of that file; `Fixtures/schema3-before-decimal.om` the text it imported
/// (a 6-digit gauge with one NaN, a counter, a full-precision ratio; 3 h at 30 s each).
final class OldFormatFixtureTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The samples of the fixture's OpenMetrics text, per series name, parsed the simple way
    /// (`name{labels} value seconds`).
    private func expectedSamples() throws -> [String: (times: [Int64], values: [Double])] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("schema3-before-decimal.om"), encoding: .utf8)
        var out: [String: (times: [Int64], values: [Double])] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            let name = String(fields[0].prefix { $0 != "{" })
            out[name, default: ([], [])].times.append(Int64(fields[2])! * 1000)
            out[name, default: ([], [])].values.append(fields[1] == "NaN" ? .nan : Double(fields[1])!)
        }
        return out
    }

    func testSchemaThreeFileIsMigratedAndReadsBackEverySample() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("old.db")
        do {
            let database = try Database(path: path, readOnly: false, busyTimeoutMs: 100)
            try database.execute(String(contentsOf: fixtures.appendingPathComponent("schema3-before-decimal.sql"), encoding: .utf8))
            try database.execute("PRAGMA user_version = 3")
            XCTAssertEqual(try database.scalarInt("SELECT count(*) FROM chunk WHERE unicode(substr(data, 1, 1)) = 1"), 3)
            XCTAssertEqual(try database.scalarInt("SELECT count(*) FROM rollup_chunk WHERE unicode(substr(data, 1, 1)) = 2"), 1)
        }
        let expected = try expectedSamples()
        let store = try SeriesStore(path: path)
        XCTAssertEqual(try Database(path: path, readOnly: true, busyTimeoutMs: 100).scalarInt("PRAGMA user_version"),
                       Schema.currentVersion)
        for (name, want) in expected {
            let got = try store.samples(matching: .metric(name))
            XCTAssertEqual(got.count, 1, name)
            // The parser's NaN is the one NaN `Double("nan")` gives: compare NaN as NaN, the rest bit for bit.
            XCTAssertEqual(got.first?.timestampsMs, want.times, name)
            let values = got.first?.values ?? []
            XCTAssertEqual(values.count, want.values.count, name)
            for (a, b) in zip(values, want.values) where !(a.isNaN && b.isNaN) {
                XCTAssertEqual(a.bitPattern, b.bitPattern, name)
            }
            // The stored 5-minute rollups (first 2 h) agree with aggregates of the raw samples.
            let rollups = try store.rollups(matching: .metric(name), fromMs: want.times[0], toMs: want.times[0] + 7_199_999,
                                            stepMs: 300_000)
            let buckets = rollups.first?.buckets ?? []
            let direct = RollupCodec.buckets(timestampsMs: want.times.filter { $0 < want.times[0] + 7_200_000 },
                                             values: Array(want.values.prefix(240)))
            XCTAssertEqual(buckets.map(\.count), direct.map(\.count), name)
            XCTAssertEqual(buckets.map(\.min), direct.map(\.min), name)
            XCTAssertEqual(buckets.map(\.max), direct.map(\.max), name)
        }
        // Appending continues after the old head, and the next sealed chunk is written decimal.
        let events = try XCTUnwrap(store.series(matching: .metric("fixture_events_total")).first)
        let last = try XCTUnwrap(expected["fixture_events_total"])
        for step in 1...300 {
            store.append(events.id, timestampMs: last.times.last! + Int64(step) * 30_000, value: last.values.last! + Double(step))
        }
        try store.close()
        let database = try Database(path: path, readOnly: true, busyTimeoutMs: 100)
        XCTAssertEqual(try database.scalarInt("SELECT count(*) FROM chunk WHERE unicode(substr(data, 1, 1)) = 2"), 1)
        let reopened = try SeriesStore(path: path, configuration: { var c = StoreConfiguration(); c.readOnly = true; return c }())
        XCTAssertEqual(try reopened.samples(of: events.id).count, 360 + 300)
    }
}
