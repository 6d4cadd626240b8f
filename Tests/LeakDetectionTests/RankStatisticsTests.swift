import XCTest
@testable import LeakDetection
import LeakEvaluation

final class RankStatisticsTests: XCTestCase {
    func testMannKendallOnAStrictlyRisingSequence() {
        let values: [Double] = [1, 2, 3, 4, 5]
        XCTAssertEqual(MannKendall.score(values), 10)
        XCTAssertEqual(MannKendall.variance(count: 5, tieTerm: 0), 5 * 4 * 15 / 18, accuracy: 1e-12)
        // (S − 1)/√Var = 9/√16.667
        XCTAssertEqual(MannKendall.z(score: 10, count: 5, tieTerm: 0), 2.204_540_768_504_859, accuracy: 1e-12)
    }

    func testMannKendallTieCorrection() {
        let values: [Double] = [1, 2, 2, 3]
        XCTAssertEqual(MannKendall.score(values), 5)
        XCTAssertEqual(MannKendall.tieTerm(values), 18)  // one pair: 2·1·9
        XCTAssertEqual(MannKendall.variance(count: 4, tieTerm: 18), (156.0 - 18) / 18, accuracy: 1e-12)
    }

    func testIncrementalWindowMatchesBatchAfterEvictions() {
        var random = SeededGenerator(seed: 4)
        var ring = BucketRing(capacity: 12)
        var window = MannKendallWindow()
        var all: [Double] = []
        for i in 0..<40 {
            // Integer values so that ties occur, as with fd counts.
            let value = (Double(i) * 0.3 + 3 * random.normal()).rounded()
            let full = ring.count == ring.capacity
            if full { window.remove(ring.floor(0), before: ring, from: 1, to: ring.count) }
            window.add(value, after: ring, from: full ? 1 : 0, to: ring.count)
            _ = ring.append(BucketSummary(moments: TrendMoments(), floorValue: value, firstTime: Double(i)))
            all.append(value)
            let current = Array(all.suffix(12))
            XCTAssertEqual(window.score, MannKendall.score(current), "after \(i + 1) values")
            XCTAssertEqual(window.tieTerm, MannKendall.tieTerm(current), "after \(i + 1) values")
        }
    }

    func testSerialCorrelationInflation() {
        // 1 + 2[(1 − 1/3)·0.5 + (1 − 2/3)·0.25]
        XCTAssertEqual(MannKendall.serialCorrelationInflation(rho: 0.5, count: 3), 1 + 2 * (2.0 / 3 * 0.5 + 1.0 / 3 * 0.25), accuracy: 1e-12)
        XCTAssertEqual(MannKendall.serialCorrelationInflation(rho: -0.4, count: 30), 1)
    }

    func testTheilSenOnKnownPoints() {
        // Pairwise slopes −1, 0.5, 1, 4/3, 2, 3: the median is (1 + 4/3)/2.
        XCTAssertEqual(TheilSen.slope(times: [0, 1, 2, 3], values: [1, 3, 2, 5])!, 7.0 / 6, accuracy: 1e-12)
    }

    func testTheilSenIgnoresAnOutlier() {
        var values = (0..<11).map { 2 * Double($0) + 1 }
        values[7] = 1000
        XCTAssertEqual(TheilSen.slope(times: (0..<11).map(Double.init), values: values)!, 2, accuracy: 1e-12)
    }

    func testTheilSenNeedsTwoDistinctTimes() {
        XCTAssertNil(TheilSen.slope(times: [5], values: [1]))
        XCTAssertNil(TheilSen.slope(times: [5, 5], values: [1, 2]))
    }

    func testElementaryFunctions() {
        XCTAssertEqual(ElementaryMath.exp(1), 2.718_281_828_459_045, accuracy: 1e-15)
        XCTAssertEqual(ElementaryMath.log(10), 2.302_585_092_994_046, accuracy: 1e-15)
        XCTAssertEqual(ElementaryMath.sin(1), 0.841_470_984_807_896_5, accuracy: 1e-15)
        XCTAssertEqual(ElementaryMath.cos(100), 0.862_318_872_287_684, accuracy: 1e-13)
        XCTAssertEqual(ElementaryMath.normalCDF(1.96), 0.975, accuracy: 1e-4)
    }
}
