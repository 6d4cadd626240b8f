import XCTest
@testable import LeakDetection

final class SegmentationTests: XCTestCase {
    private let startMs: Int64 = 1_767_225_600_000

    func testFirstSampleStartsASegment() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let events = replay(&detector, values: [100, 101])
        XCTAssertEqual(segmentStarts(events), [.firstSample])
    }

    func testScrapeGapStartsANewSegmentAndStatisticsDoNotStraddleIt() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&detector, values: Array(repeating: 100, count: 100))
        // 10 min of silence is more than the 5-min gap.
        let event = detector.observe(timestampMs: startMs + 99 * 30_000 + 600_000, value: 100)
        guard case .segmentStarted(.scrapeGap, let closed?)? = event else { return XCTFail("got \(String(describing: event))") }
        XCTAssertEqual(closed.sampleCount, 100)
        XCTAssertEqual(detector.longWindowFit.count, 1)
        XCTAssertEqual(detector.segmentStartMs, startMs + 99 * 30_000 + 600_000)
    }

    func testValueCollapseStartsANewSegment() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let values = Array(repeating: 1e9, count: 60) + [3e8, 3.1e8]
        let events = replay(&detector, values: values)
        XCTAssertEqual(segmentStarts(events), [.firstSample, .valueCollapse])
        XCTAssertEqual(detector.segmentStartMs, startMs + 60 * 30_000)
    }

    func testGCDropToTheFloorIsNotACollapse() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        // Sawtooth from 1.0 to 1.4 GB and back: every drop lands on the floor, never below half of it.
        let values = (0..<400).map { 1e9 * (1 + 0.4 * Double($0 % 8) / 7) }
        XCTAssertEqual(segmentStarts(replay(&detector, values: values)), [.firstSample])
    }

    func testCallerSignalledRestartAndVersionChange() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&detector, values: Array(repeating: 5e8, count: 10))
        let closed = detector.beginSegment(reason: .restart)
        XCTAssertEqual(closed?.sampleCount, 10)
        XCTAssertEqual(closed?.startReason, .firstSample)
        guard case .segmentStarted(.restart, nil)? = detector.observe(timestampMs: startMs + 10 * 30_000, value: 5e8) else {
            return XCTFail("restart not reported")
        }
        detector.beginSegment(reason: .versionChange, version: "v1.31.2")
        _ = detector.observe(timestampMs: startMs + 11 * 30_000, value: 5e8)
        XCTAssertEqual(detector.currentSegment.version, "v1.31.2")
        XCTAssertEqual(detector.currentSegment.startReason, .versionChange)
        XCTAssertEqual(detector.currentSegment.sampleCount, 1)
    }

    func testTimeGoingBackwardsStartsANewSegmentAndDuplicatesAreIgnored() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        _ = detector.observe(timestampMs: startMs, value: 1)
        _ = detector.observe(timestampMs: startMs + 30_000, value: 1)
        XCTAssertNil(detector.observe(timestampMs: startMs + 30_000, value: 2))
        guard case .segmentStarted(.timeWentBackwards, _)? = detector.observe(timestampMs: startMs, value: 1) else {
            return XCTFail("backwards time not reported")
        }
    }

    func testWarmUpAfterASegmentStartIsNotJudged() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        // 20 %/h clean growth: a leak by every measure, but the first hour is warm-up.
        let events = replay(&detector, values: (0..<120).map { 1e9 * (1 + 0.2 * Double($0) / 120) })
        XCTAssertEqual(detector.verdict, .ok)
        XCTAssertEqual(events.count, 1)  // only the segment start
    }
}
