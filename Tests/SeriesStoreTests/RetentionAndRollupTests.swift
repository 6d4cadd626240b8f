import SoakModel
import XCTest
@testable import SeriesStore

/// Sealing, 5-minute rollups, chart steps and retention.
final class RetentionAndRollupTests: XCTestCase {
    let hour: Int64 = 3_600_000
    let t0: Int64 = 1_699_999_200_000  // a multiple of 2 h

    /// A day of 15-s samples of value = minute of the day, in one series.
    private func fillDay(_ store: SeriesStore) throws -> SeriesID {
        let id = try store.seriesID(for: SeriesKey(metric: "m", labels: [Label("job", "x")]))
        for step in 0..<(24 * 240) {
            let time = t0 + Int64(step) * 15_000
            store.append(id, timestampMs: time, value: Double(step / 4))
        }
        return id
    }

    func testRollupsMatchRawAggregatesAndSurviveRawRetention() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var config = StoreConfiguration()
        config.rawRetentionMs = 6 * hour
        config.rollupRetentionMs = 100 * 24 * hour
        let store = try SeriesStore(path: dir.path("r.db"), configuration: config)
        let id = try fillDay(store)
        try store.flush()
        let selector = SeriesSelector.metric("m")
        let fromRaw = try XCTUnwrap(store.rollups(matching: selector, fromMs: t0, toMs: t0 + 24 * hour, stepMs: hour).first)
        XCTAssertEqual(fromRaw.buckets.count, 24)
        // Hour h holds minutes 60h…60h+59, four samples each.
        for (hourIndex, bucket) in fromRaw.buckets.enumerated() {
            let first = Double(hourIndex * 60)
            XCTAssertEqual(bucket, RollupBucket(startMs: t0 + Int64(hourIndex) * hour, min: first, max: first + 59,
                                                sum: 4 * (60 * first + 1770), count: 240))
        }
        // Drop raw data older than 6 h before the day's end: the first 18 h now come from rollups.
        let report = try store.applyRetention(nowMs: t0 + 24 * hour)
        XCTAssertEqual(report.rawChunksDropped, 9, "the 2-h chunks ending before 18:00 (the 16:00–18:00 one ends at 17:59:45)")
        XCTAssertEqual(report.rollupChunksDropped, 0)
        XCTAssertEqual(try store.samples(of: id).timestampsMs.first, t0 + 18 * hour)
        let mixed = try XCTUnwrap(store.rollups(matching: selector, fromMs: t0, toMs: t0 + 24 * hour, stepMs: hour).first)
        XCTAssertEqual(mixed.buckets, fromRaw.buckets, "rollups reproduce the raw aggregates exactly")
        XCTAssertEqual(mixed.buckets[3].mean, (180 + 239) / 2)
        // Later, the rollups expire too.
        let later = try store.applyRetention(nowMs: t0 + 200 * 24 * hour)
        XCTAssertEqual(later.rawChunksDropped, 2)
        XCTAssertEqual(later.rollupChunksDropped, 11, "one per sealed chunk; the open 22:00–24:00 head has none yet")
        let left = try store.rollups(matching: selector, fromMs: t0, toMs: t0 + 24 * hour, stepMs: hour)
        XCTAssertEqual(left.first?.buckets.map(\.startMs), [t0 + 22 * hour, t0 + 23 * hour], "only the open head remains")
        XCTAssertEqual(try store.integrityCheck(), "ok")
    }

    func testIdleSeriesIsSealedOnceOthersMoveOn() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("i.db"))
        let quiet = try store.seriesID(for: SeriesKey(metric: "quiet"))
        let busy = try store.seriesID(for: SeriesKey(metric: "busy"))
        store.append(quiet, timestampMs: t0, value: 1)
        for step in 0..<(5 * 240) { store.append(busy, timestampMs: t0 + Int64(step) * 15_000, value: 1) }
        try store.flush()
        XCTAssertEqual(try store.rollups(matching: .metric("quiet"), fromMs: t0, toMs: t0 + hour, stepMs: hour).first?.buckets.first?.count, 1)
        let report = try store.applyRetention(nowMs: t0 + 100 * 24 * hour)
        XCTAssertGreaterThanOrEqual(report.rawChunksDropped, 1, "the quiet series' chunk was sealed, so retention can drop it")
        XCTAssertEqual(try store.samples(of: quiet).count, 0)
    }

    func testStepsShorterThanFiveMinutesComeFromRawSamples() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("s.db"))
        let id = try store.seriesID(for: SeriesKey(metric: "m"))
        for (offset, value) in [(0, 1.0), (15_000, .nan), (30_000, 5.0), (60_000, -2.0)] {
            store.append(id, timestampMs: t0 + Int64(offset), value: value)
        }
        let rollups = try XCTUnwrap(store.rollups(matching: .metric("m"), fromMs: t0, toMs: t0 + hour, stepMs: 60_000).first)
        XCTAssertEqual(rollups.buckets, [RollupBucket(startMs: t0, min: 1, max: 5, sum: 6, count: 2),
                                         RollupBucket(startMs: t0 + 60_000, min: -2, max: -2, sum: -2, count: 1)])
    }
}

/// Rollups of chunks cut mid-bucket by the sample cap, and the durability clock.
final class RollupSplitAndFlushTests: XCTestCase {
    let t0: Int64 = 1_699_999_200_000

    func testBucketsSplitAcrossChunksAreMergedToTheRawAggregates() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var config = StoreConfiguration()
        config.maxSamplesPerChunk = 7  // a 5-minute bucket (20 samples) spans up to 4 chunks
        config.rawRetentionMs = 0
        let store = try SeriesStore(path: dir.path("split.db"), configuration: config)
        let id = try store.seriesID(for: SeriesKey(metric: "m"))
        var rng = SeededGenerator(seed: 5)
        for step in 0..<600 {
            let value = rng.next() % 10 == 0 ? Double.nan : Double(rng.next() % 1_000) / 8
            store.append(id, timestampMs: t0 + Int64(step) * 15_000, value: value)
        }
        try store.flush()
        let fromRaw = try store.rollups(matching: .metric("m"), fromMs: t0, toMs: t0 + 86_400_000, stepMs: 900_000)
        // The same aggregates computed here from the raw samples (values are multiples of 1/8, so
        // sums are exact whatever the order of addition).
        let raw = try store.samples(of: id)
        var expected: [RollupBucket] = []
        for (time, value) in zip(raw.timestampsMs, raw.values) where !value.isNaN {
            let start = time - (time % 900_000)
            if expected.last?.startMs != start { expected.append(RollupBucket(startMs: start, min: value, max: value, sum: 0, count: 0)) }
            expected[expected.count - 1].min = min(expected[expected.count - 1].min, value)
            expected[expected.count - 1].max = max(expected[expected.count - 1].max, value)
            expected[expected.count - 1].sum += value
            expected[expected.count - 1].count += 1
        }
        XCTAssertEqual(fromRaw.first?.buckets, expected)
        let oldestBefore = try store.oldestRawTimestampMs(of: id)
        try store.applyRetention(nowMs: t0 + 10 * 86_400_000)  // every sealed raw chunk goes
        XCTAssertGreaterThan(try store.oldestRawTimestampMs(of: id), oldestBefore, "raw chunks were dropped")
        let fromRollups = try store.rollups(matching: .metric("m"), fromMs: t0, toMs: t0 + 86_400_000, stepMs: 900_000)
        XCTAssertEqual(fromRollups.first?.buckets, fromRaw.first?.buckets)
        XCTAssertEqual(fromRaw.first?.buckets.count, 10)
    }

    func testFlushIfDueMakesSamplesDurableWithinTheInterval() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        var config = StoreConfiguration()
        config.flushIntervalSeconds = 0.2
        let writer = try SeriesStore(path: dir.path("d.db"), configuration: config)
        let id = try writer.seriesID(for: SeriesKey(metric: "m"))
        writer.append(id, timestampMs: t0, value: 1)
        XCTAssertFalse(try writer.flushIfDue(), "not due right after open")
        var readOnly = StoreConfiguration()
        readOnly.readOnly = true
        XCTAssertEqual(try SeriesStore(path: dir.path("d.db"), configuration: readOnly).seriesCount, 0, "nothing committed yet")
        usleep(250_000)
        XCTAssertTrue(try writer.flushIfDue())
        // A second process-like reader sees the commit while the writer stays open (WAL).
        let reader = try SeriesStore(path: dir.path("d.db"), configuration: readOnly)
        XCTAssertEqual(try reader.samples(matching: .metric("m")).first?.values, [1])
        writer.append(id, timestampMs: t0 + 15_000, value: 2)
        XCTAssertFalse(try writer.flushIfDue(), "the interval restarts at each flush")
    }

    func testDroppingAStoreWithoutCloseStillFlushes() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        do {
            let store = try SeriesStore(path: dir.path("deinit.db"))
            try store.append(metric: "m", labels: [], timestampMs: t0, value: 3)
        }
        let store = try SeriesStore(path: dir.path("deinit.db"))
        XCTAssertEqual(try store.samples(matching: .metric("m")).first?.values, [3])
    }

    func testForEachSeriesSamplesVisitsEverySeriesWithRecentData() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("each.db"))
        for series in 0..<5 {
            for step in 0..<100 {
                try store.append(metric: "m", labels: [Label("n", "\(series)")],
                                 timestampMs: t0 + Int64(step) * 15_000, value: Double(series * 1000 + step))
            }
        }
        try store.append(metric: "old", labels: [], timestampMs: t0 - 86_400_000, value: 1)
        try store.close()
        let reopened = try SeriesStore(path: dir.path("each.db"))
        var seen: [String: [Double]] = [:]
        try reopened.forEachSeriesSamples(fromMs: t0 + 90 * 15_000) { samples in
            seen[samples.series.key.description] = samples.values
        }
        XCTAssertEqual(seen.count, 5, "the old series has nothing in the window")
        XCTAssertEqual(seen[#"m{n="3"}"#], (90..<100).map { Double(3000 + $0) })
    }
}

/// Idle sealing is not fooled by a sample from a clock far in the future.
final class FutureTimestampTests: XCTestCase {
    func testAFutureSampleDoesNotSealOtherHeadsAtEveryFlush() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let now = wallClockMs() - wallClockMs() % 7_200_000  // a window start: 20 samples stay in one window
        let store = try SeriesStore(path: dir.path("future.db"))
        let normal = try store.seriesID(for: SeriesKey(metric: "normal"))
        let broken = try store.seriesID(for: SeriesKey(metric: "broken_clock"))
        store.append(broken, timestampMs: now + 100 * 365 * 86_400_000, value: 1)
        for step in 0..<20 {
            store.append(normal, timestampMs: now + Int64(step) * 15_000, value: Double(step))
            try store.flush()
        }
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM chunk"), 0, "no chunk sealed: the head stays open")
        XCTAssertEqual(try store.samples(of: normal).count, 20)
    }
}
