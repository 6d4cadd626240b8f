import SoakModel
import XCTest
@testable import SeriesStore

/// Random appends, flushes, reopens and retention against a plain in-memory model of the rules.
final class StoreModelTests: XCTestCase {
    func testRandomOperationsMatchTheModel() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var rng = SeededGenerator(seed: 0x5EED)
        var config = StoreConfiguration()
        config.chunkSpanMs = 300_000
        config.maxSamplesPerChunk = 9
        let path = dir.path("model.db")
        var store: SeriesStore? = try SeriesStore(path: path, configuration: config)
        let keys = (0..<6).map { SeriesKey(metric: "m\($0 % 2)", labels: [Label("k", "\($0)")]) }
        var model: [SeriesKey: [(Int64, UInt64)]] = [:]
        var expectedStats = IngestStats()
        var clock: Int64 = 1_700_000_000_000
        func check(_ store: SeriesStore, _ when: String) throws {
            for key in keys {
                let want = model[key] ?? []
                guard let id = store.existingSeriesID(for: key) else {
                    XCTAssertTrue(want.isEmpty, "\(when): \(key) missing")
                    continue
                }
                let got = try store.samples(of: id)
                XCTAssertEqual(got.timestampsMs, want.map(\.0), "\(when): \(key)")
                XCTAssertEqual(got.values.map(\.bitPattern), want.map(\.1), "\(when): \(key)")
                // A random window reads the same slice.
                if let first = want.first?.0, let last = want.last?.0, first < last {
                    let from = first + Int64(rng.next() % UInt64(last - first))
                    let to = from + Int64(rng.next() % 600_000)
                    let window = try store.samples(of: id, fromMs: from, toMs: to)
                    XCTAssertEqual(window.timestampsMs, want.map(\.0).filter { $0 >= from && $0 <= to }, "\(when): window of \(key)")
                }
            }
        }
        for step in 0..<4_000 {
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            let last = model[key]?.last
            var time = clock
            switch rng.next() % 10 {
            case 0: time = (last?.0 ?? clock) - Int64(rng.next() % 100_000) - 1  // out of order
            case 1: time = last?.0 ?? clock  // duplicate or conflict
            default: clock += Int64(rng.next() % 20_000)
            }
            let value = rng.next() % 4 == 0 && last != nil ? Double(bitPattern: last!.1) : Double(bitPattern: rng.next())
            let outcome = try store!.append(metric: key.metric, labels: key.labels, timestampMs: time, value: value)
            let wanted: AppendOutcome
            if let last, time < last.0 { wanted = .outOfOrder }
            else if let last, time == last.0 { wanted = value.bitPattern == last.1 ? .duplicate : .conflictingDuplicate }
            else { wanted = .appended; model[key, default: []].append((time, value.bitPattern)) }
            XCTAssertEqual(outcome, wanted, "step \(step)")
            expectedStats.count(wanted)
            switch rng.next() % 100 {
            case 0..<5: try store!.flush()
            case 5: try check(store!, "before reopen at \(step)")
                XCTAssertEqual(store!.stats, expectedStats)
                try store!.close()
                store = nil
                store = try SeriesStore(path: path, configuration: config)
                expectedStats = IngestStats()
                try check(store!, "after reopen at \(step)")
            default: break
            }
            if testRun?.failureCount ?? 0 > 0 { return }
        }
        try check(store!, "end")
        XCTAssertEqual(try store!.integrityCheck(), "ok")
    }

    func testQuotedTextEscapesBackslashQuoteAndNewlineAndOptionallySeparators() {
        XCTAssertEqual(QuotedText.escaped("plain ünï=,"), "plain ünï=,", "nothing to escape is appended whole")
        XCTAssertEqual(QuotedText.escaped("a\\b\"c\nd\te"), "a\\\\b\\\"c\\nd\te")
        var out = "x="
        QuotedText.appendEscaped("k=v,w", to: &out, escapingLabelSeparators: true)
        XCTAssertEqual(out, "x=k\\=v\\,w")
    }
}
