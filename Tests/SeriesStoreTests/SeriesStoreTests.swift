import SoakModel
import CSQLite
import XCTest
@testable import SeriesStore

/// Appending, flushing, reopening and reading back.
final class SeriesStoreTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000 - 1_700_000_000_000 % 7_200_000  // a chunk-window boundary

    func testSamplesAreQueryableBeforeAndAfterFlushAndReopen() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let key = SeriesKey(metric: "process_resident_memory_bytes", labels: [Label("pod", "etcd-0"), Label("job", "etcd")])
        let times = (0..<1_000).map { t0 + Int64($0) * 15_000 }
        let values = (0..<1_000).map { Double(100_000 + $0 % 37) * 4096 }
        do {
            let store = try SeriesStore(path: dir.path("a.db"))
            let id = try store.seriesID(for: key)
            for index in 0..<500 { XCTAssertEqual(store.append(id, timestampMs: times[index], value: values[index]), .appended) }
            let before = try store.samples(of: id)
            assertBitExact(before.timestampsMs, before.values, Array(times[..<500]), Array(values[..<500]), "head is queryable at once")
            try store.flush()
            for index in 500..<1_000 { store.append(id, timestampMs: times[index], value: values[index]) }
            try store.close()
        }
        let reopened = try SeriesStore(path: dir.path("a.db"))
        let id = try XCTUnwrap(reopened.existingSeriesID(for: key))
        let all = try reopened.samples(of: id)
        assertBitExact(all.timestampsMs, all.values, times, values)
        let window = try reopened.samples(of: id, fromMs: times[10], toMs: times[20])
        assertBitExact(window.timestampsMs, window.values, Array(times[10...20]), Array(values[10...20]))
        XCTAssertEqual(try reopened.integrityCheck(), "ok")
    }

    func testAppendingResumesAfterReopenWithoutGapsOrDuplicates() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var config = StoreConfiguration()
        config.maxSamplesPerChunk = 7  // seal often: exercise sealed + head chunks together
        var expected: [Int64] = []
        for round in 0..<5 {
            let store = try SeriesStore(path: dir.path("r.db"), configuration: config)
            let id = try store.seriesID(for: SeriesKey(metric: "m"))
            let resumeFrom = store.lastTimestampMs(of: id).map { $0 + 1_000 } ?? t0
            XCTAssertEqual(resumeFrom, expected.last.map { $0 + 1_000 } ?? t0, "round \(round) resumes after the last committed sample")
            for step in 0..<23 {
                let time = resumeFrom + Int64(step) * 1_000
                store.append(id, timestampMs: time, value: Double(time))
                expected.append(time)
            }
            // Re-sending the last sample after a restart is a duplicate, not a second copy.
            XCTAssertEqual(store.append(id, timestampMs: expected.last!, value: Double(expected.last!)), .duplicate)
            try store.close()
        }
        let store = try SeriesStore(path: dir.path("r.db"), configuration: config)
        let samples = try store.samples(of: try store.seriesID(for: SeriesKey(metric: "m")))
        XCTAssertEqual(samples.timestampsMs, expected)
        XCTAssertEqual(samples.values, expected.map(Double.init))
    }

    func testOutOfOrderAndDuplicateSamplesAreRejectedAndCounted() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("o.db"))
        let id = try store.seriesID(for: SeriesKey(metric: "m"))
        XCTAssertEqual(store.append(id, timestampMs: 2_000, value: 1), .appended)
        XCTAssertEqual(store.append(id, timestampMs: 2_000, value: 1), .duplicate)
        XCTAssertEqual(store.append(id, timestampMs: 2_000, value: 2), .conflictingDuplicate)
        XCTAssertEqual(store.append(id, timestampMs: 1_000, value: 3), .outOfOrder)
        XCTAssertEqual(store.append(id, timestampMs: 1_999, value: 3), .outOfOrder)
        XCTAssertEqual(store.append(id, timestampMs: 3_000, value: .nan), .appended)
        // NaN == NaN bit for bit is a duplicate; -0.0 vs 0.0 differ in bits: a conflict.
        XCTAssertEqual(store.append(id, timestampMs: 3_000, value: .nan), .duplicate)
        XCTAssertEqual(store.append(id, timestampMs: 4_000, value: 0.0), .appended)
        XCTAssertEqual(store.append(id, timestampMs: 4_000, value: -0.0), .conflictingDuplicate)
        var expected = IngestStats()
        expected.appended = 3
        expected.duplicatesDropped = 2
        expected.conflictingDuplicatesRejected = 2
        expected.outOfOrderRejected = 2
        XCTAssertEqual(store.stats, expected)
        let samples = try store.samples(of: id)
        XCTAssertEqual(samples.timestampsMs, [2_000, 3_000, 4_000])
        XCTAssertEqual(samples.values.map(\.bitPattern), [Double(1).bitPattern, Double.nan.bitPattern, Double(0).bitPattern])
    }

    func testSpecialFloatsSurviveStorageBitExact() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let values = ChunkCodecPropertyTests.edgeValues
        let times = values.indices.map { t0 + Int64($0) * 15_000 }
        do {
            let store = try SeriesStore(path: dir.path("f.db"))
            let id = try store.seriesID(for: SeriesKey(metric: "weird"))
            for index in values.indices { store.append(id, timestampMs: times[index], value: values[index]) }
            try store.close()
        }
        let store = try SeriesStore(path: dir.path("f.db"))
        let samples = try store.samples(of: try store.seriesID(for: SeriesKey(metric: "weird")))
        assertBitExact(samples.timestampsMs, samples.values, times, values)
    }

    func testHostileLabelValuesAreStoredVerbatim() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let nasty = ["'); DROP TABLE series; --", "a\"b\\c\nd", "x=\"y\",z", "🙂 ünïcode", "nul\u{0}byte"]
        var keys: [SeriesKey] = []
        do {
            let store = try SeriesStore(path: dir.path("l.db"))
            for (index, value) in nasty.enumerated() {
                let key = SeriesKey(metric: "m", labels: [Label("v", value), Label("we=ird,name", "1")])
                keys.append(key)
                try store.append(metric: key.metric, labels: key.labels, timestampMs: Int64(index), value: Double(index))
            }
            try store.close()
        }
        let store = try SeriesStore(path: dir.path("l.db"))
        XCTAssertEqual(store.seriesCount, nasty.count)
        for (index, key) in keys.enumerated() {
            let id = try XCTUnwrap(store.existingSeriesID(for: key), "\(key)")
            XCTAssertEqual(try store.samples(of: id).values, [Double(index)])
        }
    }

    func testLabelOrderAndEmptyLabelsDoNotMakeNewSeries() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("k.db"))
        let a = try store.seriesID(for: SeriesKey(metric: "m", labels: [Label("b", "2"), Label("a", "1")]))
        let b = try store.seriesID(for: SeriesKey(metric: "m", labels: [Label("a", "1"), Label("c", ""), Label("b", "2")]))
        XCTAssertEqual(a, b)
        XCTAssertEqual(store.seriesCount, 1)
    }

    func testSelectorMatchersSelectTheRightSeries() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("s.db"))
        let keys = [
            SeriesKey(metric: "go_goroutines", labels: [Label("job", "etcd"), Label("pod", "etcd-0")]),
            SeriesKey(metric: "go_goroutines", labels: [Label("job", "etcd"), Label("pod", "etcd-1")]),
            SeriesKey(metric: "go_goroutines", labels: [Label("job", "apiserver")]),
            SeriesKey(metric: "process_open_fds", labels: [Label("job", "etcd")]),
        ]
        for key in keys { _ = try store.seriesID(for: key) }
        func select(_ text: String) throws -> [SeriesKey] { store.series(matching: try SeriesSelector(parsing: text)).map(\.key) }
        XCTAssertEqual(try select("go_goroutines"), Array(keys[0...2]))
        XCTAssertEqual(try select(#"go_goroutines{job="etcd"}"#), Array(keys[0...1]))
        XCTAssertEqual(try select(#"go_goroutines{job!="etcd"}"#), [keys[2]])
        XCTAssertEqual(try select(#"go_goroutines{pod=~"etcd-.*"}"#), Array(keys[0...1]))
        XCTAssertEqual(try select(#"go_goroutines{pod=~"etcd"}"#), [], "regexes are fully anchored")
        XCTAssertEqual(try select(#"go_goroutines{pod!~"etcd-1"}"#), [keys[0], keys[2]])
        XCTAssertEqual(try select(#"go_goroutines{pod=""}"#), [keys[2]], "an absent label matches the empty string")
        XCTAssertEqual(try select(#"{job="etcd", __name__=~"go_.*|process_.*",}"#), [keys[0], keys[1], keys[3]])
        XCTAssertEqual(try select(#"{job='etcd',pod=~`etcd-\d`}"#), Array(keys[0...1]))
        for bad in ["", "{}", "m{job}", #"m{job="x"#, #"m{job=~"("}"#, #"m{job=="x"}"#, #"m{job="x"} junk"#, #"m{9a="x"}"#] {
            XCTAssertThrowsError(try SeriesSelector(parsing: bad), bad) { error in
                XCTAssertEqual((error as? StoreError)?.kind, .invalidSelector, bad)
            }
        }
    }

    func testScrapeHealthAndMarkersAreQueryableByTargetKindAndTime() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        do {
            let store = try SeriesStore(path: dir.path("h.db"))
            store.record(ScrapeHealth(target: "etcd-0", timestampMs: 1_000, up: true, durationSeconds: 0.012, samplesScraped: 1234))
            store.record(ScrapeHealth(target: "etcd-1", timestampMs: 2_000, up: false, durationSeconds: 10, samplesScraped: 0,
                                      error: "context deadline exceeded"))
            store.record(Marker(kind: .restart, target: "etcd-0", timestampMs: 5_000, detail: "restart count 3"))
            store.record(Marker(kind: .versionChange, target: "etcd-0", timestampMs: 9_000, detail: "3.5.1"))
            store.record(Marker(kind: .other("config-reload"), target: "etcd-1", timestampMs: 7_000))
            XCTAssertEqual(try store.markers(target: "etcd-0").count, 2, "readable before the flush")
            try store.close()
        }
        let store = try SeriesStore(path: dir.path("h.db"))
        let down = try store.scrapeHealth(target: "etcd-1")
        XCTAssertEqual(down, [ScrapeHealth(target: "etcd-1", timestampMs: 2_000, up: false, durationSeconds: 10, samplesScraped: 0,
                                           error: "context deadline exceeded")])
        XCTAssertEqual(try store.scrapeHealth(fromMs: 0, toMs: 1_500).map(\.samplesScraped), [1234])
        XCTAssertEqual(try store.markers(kind: .versionChange), [Marker(kind: .versionChange, target: "etcd-0", timestampMs: 9_000, detail: "3.5.1")])
        XCTAssertEqual(try store.markers(fromMs: 6_000).map(\.timestampMs), [7_000, 9_000])
        XCTAssertEqual(try store.markers(kind: .other("config-reload")).map(\.target), ["etcd-1"])
    }

    func testMetricFamiliesPersist() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        do {
            let store = try SeriesStore(path: dir.path("meta.db"))
            store.setMetricFamily(StoredMetricFamily(name: "requests", type: "counter", help: "Requests served."))
            store.setMetricFamily(StoredMetricFamily(name: "requests", type: "counter", help: "Requests \"served\"."))
            try store.close()
        }
        let store = try SeriesStore(path: dir.path("meta.db"))
        XCTAssertEqual(store.metricFamilies["requests"], StoredMetricFamily(name: "requests", type: "counter", help: "Requests \"served\"."))
    }
}
