import SoakModel
import XCTest
@testable import LeakDetection
import LeakEvaluation

final class ShapeTests: XCTestCase {
    private func verdictAndAlerts(_ values: [Double], resource: ResourceKind = .memory) -> (LeakVerdict, Int) {
        var detector = SeriesDetector(configuration: .init(), resource: resource)
        let alerts = leakAlerts(replay(&detector, values: values))
        return (detector.verdict, alerts.count)
    }

    /// A GC sawtooth over `floor(hours)`: +35 % over a 4-min cycle, then back to the floor.
    private func sawtooth(hours: Double, floor: (Double) -> Double) -> [Double] {
        series(count: Int(hours * 120), noise: 0.002) { h in
            let phase = (h * 60).truncatingRemainder(dividingBy: 4) / 4
            return floor(h) * (1 + 0.35 * phase)
        }
    }

    func testSawtoothWithRisingTroughsIsALeak() {
        XCTAssertEqual(verdictAndAlerts(sawtooth(hours: 10) { h in 1e9 * (1 + 0.02 * h) }).1, 1)
    }

    func testSawtoothWithAFlatFloorIsNotALeak() {
        XCTAssertEqual(verdictAndAlerts(sawtooth(hours: 30) { _ in 1e9 }).1, 0)
    }

    func testSaturatingWarmUpIsNotALeak() {
        // From 50 % to 100 % of the level with a 45-min time constant: steep, then flat.
        let values = series(count: 24 * 120, noise: 0.005) { h in 1e9 * (0.5 + 0.5 * (1 - ElementaryMath.exp(-h / 0.75))) }
        XCTAssertEqual(verdictAndAlerts(values).1, 0)
    }

    func testSingleStepIsNotALeak() {
        let values = series(count: 24 * 120, noise: 0.005) { h in h < 6 ? 1e9 : 1.25e9 }
        XCTAssertEqual(verdictAndAlerts(values).1, 0)
    }

    func testSlowLeakIsConfirmedOnlyAfterAFullCycleShowsTheRise() {
        // 0.6 %/h is slower than a daily cycle of 8 % swing can rise (1.05 %/h): before a day has
        // been seen the detector must wait; after it, the day-over-day rise proves the leak.
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let values = series(count: 36 * 120, noise: 0.003) { h in 1e9 * (1 + 0.006 * h) }
        let alerts = leakAlerts(replay(&detector, values: values))
        XCTAssertEqual(alerts.count, 1)
        XCTAssertGreaterThanOrEqual(alerts[0], 1_767_225_600_000 + 25 * 3_600_000)
    }

    func testGoroutineDriftUnderPoissonChurnIsALeak() {
        var random = SeededGenerator(seed: 11)
        var values: [Double] = []
        for i in 0..<(12 * 120) { values.append(random.poisson(400 * (1 + 0.04 * Double(i) / 120))) }
        XCTAssertEqual(verdictAndAlerts(values, resource: .goroutines).1, 1)
    }

    func testPoissonChurnWithoutDriftIsNotALeak() {
        var random = SeededGenerator(seed: 12)
        var values: [Double] = []
        for _ in 0..<(36 * 120) { values.append(random.poisson(150)) }
        XCTAssertEqual(verdictAndAlerts(values, resource: .fileDescriptors).1, 0)
    }
}

/// Each shape check on its own, so that each one is shown to fire where it should.
final class ShapeCheckTests: XCTestCase {
    private func evidence(hours: Double, noise: Double = 0.003, configuration: DetectorConfiguration = .init(),
                          _ shape: @escaping (Double) -> Double) -> SeriesDetector.Evidence {
        var detector = SeriesDetector(configuration: configuration, resource: .memory)
        _ = replay(&detector, values: series(count: Int(hours * 120), noise: noise, shape))
        return detector.evidenceNow()!
    }

    func testStepInTheWindowIsStepLikeAndARampIsNot() {
        XCTAssertTrue(evidence(hours: 8) { h in h < 6 ? 1e9 : 1.2e9 }.isStepLike)
        XCTAssertFalse(evidence(hours: 8) { h in 1e9 * (1 + 0.03 * h) }.isStepLike)
    }

    func testSaturatingGrowthFailsTheContinuationCheckAndLinearGrowthPassesIt() {
        // Judged with the residual-based persistence estimate: the trend-invariant one sees the
        // steadily shrinking increments of a smooth saturating curve as persistence and already
        // discounts the rise (z ≈ 1.4), which is right but not what this test is about.
        var residualBased = DetectorConfiguration()
        residualBased.trendInvariantSerialCorrelation = false
        let saturating = evidence(hours: 2, configuration: residualBased) { h in 1e9 * (0.5 + 0.5 * (1 - ElementaryMath.exp(-h / 1.0))) }
        XCTAssertGreaterThan(saturating.assessment.trendZ, 2)  // it *is* a significant rise...
        XCTAssertLessThan(saturating.assessment.continuationRatio, 0.75)  // ...that is slowing down
        XCTAssertEqual(evidence(hours: 4) { h in 1e9 * (1 + 0.03 * h) }.assessment.continuationRatio, 1, accuracy: 0.2)
    }

    func testALevellingOffCurveSaturatesAndALineDoesNot() {
        // 3 h of a fill from 40 % with a 1-h time constant, and a 3 %/h line with the same noise.
        XCTAssertTrue(evidence(hours: 3) { h in 1e9 * (0.4 + 0.6 * (1 - ElementaryMath.exp(-h))) }.saturates)
        XCTAssertFalse(evidence(hours: 3) { h in 1e9 * (1 + 0.03 * h) }.saturates)
        var off = DetectorConfiguration()
        off.saturationDominance = 0
        XCTAssertFalse(evidence(hours: 3, configuration: off) { h in 1e9 * (0.4 + 0.6 * (1 - ElementaryMath.exp(-h))) }.saturates)
    }

    func testSlowGrowthMayBeCyclicUntilAFullCycleShowsTheRise() {
        XCTAssertTrue(evidence(hours: 12) { h in 1e9 * (1 + 0.006 * h) }.mayBeCyclic)
        XCTAssertFalse(evidence(hours: 26) { h in 1e9 * (1 + 0.006 * h) }.mayBeCyclic)
        XCTAssertFalse(evidence(hours: 6) { h in 1e9 * (1 + 0.03 * h) }.mayBeCyclic)
    }

    func testReturningToAnEarlierLevelMakesNoNewHigh() {
        // Down for 6 h, back up for 6 h: the recent rise only regains the old level.
        let vShape = evidence(hours: 12) { h in 1e9 * (1 + 0.03 * abs(h - 6) - 0.001) }
        XCTAssertFalse(vShape.makesNewHighs)
        XCTAssertTrue(evidence(hours: 12) { h in 1e9 * (1 + 0.03 * h) }.makesNewHighs)
    }
}

final class LateOnsetTests: XCTestCase {
    func testLateOnsetLeakIsAlertedWithinTwoHoursOfOnset() {
        // Flat for 10 h, then 3 %/h: the recent half of the window sees it before the whole does.
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let values = series(count: 16 * 120, noise: 0.005) { (h: Double) -> Double in 1e9 * (1 + 0.03 * max(0, h - 10)) }
        let alerts = leakAlerts(replay(&detector, values: values))
        let onsetMs: Int64 = 1_767_225_600_000 + 10 * 3_600_000
        XCTAssertEqual(alerts.count, 1)
        XCTAssertGreaterThan(alerts[0], onsetMs)
        XCTAssertLessThanOrEqual(alerts[0], onsetMs + 2 * 3_600_000)
    }

    func testHealthyHistoryBeforeTheOnsetRaisesNothing() {
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let values = series(count: 10 * 120, noise: 0.005) { _ in 1e9 }
        XCTAssertTrue(leakAlerts(replay(&detector, values: values)).isEmpty)
        XCTAssertEqual(detector.verdict, .ok)
    }
}
