import XCTest
@testable import LeakDetection
import LeakEvaluation

final class TrendMomentsTests: XCTestCase {
    func testSlidingAddRemoveAgreesWithTwoPassAtUnixTimestamps() {
        // Unix-epoch seconds: raw Σt² would be ~1e21 and lose every digit of the slope.
        var random = SeededGenerator(seed: 1)
        let times = (0..<2000).map { 1_767_225_600 + 30 * Double($0) }
        let values = times.map { 2e9 + 1234.5 * ($0 - 1_767_225_600) / 3600 + 5e6 * random.normal() }
        var moments = TrendMoments()
        for i in 0..<2000 {
            moments.add(time: times[i], value: values[i])
            if i >= 720 { moments.remove(time: times[i - 720], value: values[i - 720]) }
        }
        let window = 1280..<2000
        let reference = twoPassSlope(times: Array(times[window]), values: Array(values[window]))
        XCTAssertEqual(moments.count, 720)
        XCTAssertLessThan(relativeDifference(moments.slopePerSecond!, reference), 1e-9)
    }

    func testMergeAndUnmergeAgreeWithTwoPass() {
        var random = SeededGenerator(seed: 2)
        let times = (0..<300).map { Double($0) * 15 }
        let values = times.map { 5e8 + 40 * $0 + 1e6 * random.normal() }
        var groups: [TrendMoments] = []
        for g in 0..<10 {
            var group = TrendMoments()
            for i in (g * 30)..<(g * 30 + 30) { group.add(time: times[i], value: values[i]) }
            groups.append(group)
        }
        var window = TrendMoments()
        for group in groups { window.merge(group) }
        window.unmerge(groups[0])
        window.unmerge(groups[1])
        let reference = twoPassSlope(times: Array(times[60...]), values: Array(values[60...]))
        XCTAssertEqual(window.count, 240)
        XCTAssertLessThan(relativeDifference(window.slopePerSecond!, reference), 1e-9)
    }

    func testRemovingEverySampleLeavesAnEmptyAccumulator() {
        var moments = TrendMoments()
        moments.add(time: 1, value: 10)
        moments.add(time: 2, value: 20)
        moments.remove(time: 1, value: 10)
        moments.remove(time: 2, value: 20)
        XCTAssertEqual(moments, TrendMoments())
        XCTAssertNil(moments.slopePerSecond)
    }

    func testDetectorWindowSlopeAgreesWithTwoPassAndPrometheusDeriv() {
        var detector = SeriesDetector(configuration: DetectorConfiguration(), resource: .memory)
        var random = SeededGenerator(seed: 3)
        let startMs: Int64 = 1_767_225_600_000
        var timestamps: [Int64] = []
        var values: [Double] = []
        // 9 h of 15-s samples with jitter: the ring has wrapped and been rebuilt at least once.
        for i in 0..<2160 {
            let timestampMs = startMs + Int64(i) * 15_000 + Int64(random.uniform(0, 900))
            let value = 8e8 * (1 + 0.01 * Double(i) / 240) * (1 + 0.01 * random.normal())
            timestamps.append(timestampMs)
            values.append(value)
            _ = detector.observe(timestampMs: timestampMs, value: value)
        }
        let windowStart = detector.longWindowStartMs
        let inWindow = timestamps.indices.filter { timestamps[$0] >= windowStart }
        XCTAssertEqual(Double(inWindow.count), detector.longWindowFit.count)
        let ours = detector.longWindowFit.slopePerSecond!
        let reference = twoPassSlope(times: inWindow.map { Double(timestamps[$0] - startMs) / 1000 },
                                     values: inWindow.map { values[$0] })
        let deriv = PrometheusReference.deriv(timestampsMs: ArraySlice(inWindow.map { timestamps[$0] }),
                                              values: ArraySlice(inWindow.map { values[$0] }))!
        XCTAssertLessThan(relativeDifference(ours, reference), 1e-9)
        XCTAssertLessThan(relativeDifference(ours, deriv), 1e-9)
        // The short window is the last 12 closed buckets plus the open one: about 1 h.
        XCTAssertEqual(detector.shortWindowFit.count, 240, accuracy: 20)
    }
}
