import XCTest
@testable import LeakDetection
import LeakEvaluation

/// The trend-invariant AR(1) estimate of the floor's persistence, and what it buys: a wandering
/// (Ornstein–Uhlenbeck-like) series with long excursions is not a leak.
final class SerialCorrelationTests: XCTestCase {
    private func alertCount(_ values: [Double], configuration: DetectorConfiguration) -> Int {
        var detector = SeriesDetector(configuration: configuration, resource: .memory)
        return leakAlerts(replay(&detector, values: values)).count
    }

    func testWhiteNoiseAroundALineHasNoPersistenceAndAWanderingFloorHasMuch() throws {
        // 4 h of a 2 %/h leak with 1 % noise: the differences see no persistence, whatever the slope.
        var leak = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&leak, values: series(count: 4 * 120, noise: 0.01) { h in 1e9 * (1 + 0.02 * h) })
        let leakRho = try XCTUnwrap(leak.evidenceNow()).serialCorrelation
        XCTAssertLessThan(leakRho, 0.35)
        // 4 h of a wandering floor with a 3-h correlation time: 5-min floors are ≈ 0.97 correlated.
        var wandering = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&wandering, values: meanRevertingSeries(hours: 4, tauHours: 3, spread: 0.05, seed: 3))
        let wanderingRho = try XCTUnwrap(wandering.evidenceNow()).serialCorrelation
        XCTAssertGreaterThan(wanderingRho, 0.6)
        XCTAssertLessThanOrEqual(wanderingRho, 0.99)
    }

    /// Wandering series with correlation time 2–3 h and spread 4–6 %: excursions of several
    /// hours that look like growth while they last. Draw `k` uses seed 100 + k.
    private func wanderingDraw(_ k: Int) -> [Double] {
        let variant = Double(k % 3)
        let tau: Double = 2 + variant / 2
        let spread: Double = 0.04 + 0.01 * variant
        return meanRevertingSeries(hours: 36, tauHours: tau, spread: spread, seed: UInt64(100 + k))
    }

    private var disabled: DetectorConfiguration {
        var configuration = DetectorConfiguration()
        configuration.trendInvariantSerialCorrelation = false
        // The mechanism alone: the warm-up judgement (issue 15) also quiets some of these draws.
        configuration.maximumWarmUpTimeConstantSeconds = 0
        return configuration
    }

    func testMeanRevertingNoiseWithLongExcursionsIsNotALeak() {
        // These four draws each have an excursion that the residual-based estimate of the
        // persistence took for a leak; with the trend-invariant estimate none is alerted.
        var fooled = 0
        for k in [11, 13, 14, 20] {
            let values = wanderingDraw(k)
            XCTAssertEqual(alertCount(values, configuration: DetectorConfiguration()), 0, "draw \(k) alerted")
            fooled += alertCount(values, configuration: disabled)
        }
        // The mechanism is what makes the difference: without it most of them alert (the other
        // noise-model checks catch some since the second delay round).
        XCTAssertGreaterThanOrEqual(fooled, 3)
    }

    func testTheTrendInvariantEstimateAlertsOnFewerWanderingSeries() {
        // Over 24 draws: 5 alerts with the residual-based estimate, 1 with the trend-invariant
        // one (draw 21, a 6 % excursion over ~4 h that no 4-h window can tell from growth).
        let draws = (0..<24).map(wanderingDraw)
        let enabled = draws.map { alertCount($0, configuration: DetectorConfiguration()) }.reduce(0, +)
        let earlier = draws.map { alertCount($0, configuration: disabled) }.reduce(0, +)
        XCTAssertLessThanOrEqual(enabled, 1)
        XCTAssertGreaterThanOrEqual(earlier, 4)
    }

    func testTheMechanismKeepsLeaksDetected() {
        // A 2 %/h leak under 1 % noise still alerts, within 3 h without the warm-up judgement and
        // within 5 h with it (it waits until a 9-h warm-up is ruled out; docs/detection.md).
        var detector = SeriesDetector(configuration: .init(), resource: .memory)
        let alerts = leakAlerts(replay(&detector, values: series(count: 12 * 120, noise: 0.01) { h in 1e9 * (1 + 0.02 * h) }))
        XCTAssertEqual(alerts.count, 1)
        if let first = alerts.first { XCTAssertLessThanOrEqual(Double(first - 1_767_225_600_000) / 3_600_000, 5) }
        var mechanismOnly = DetectorConfiguration()
        mechanismOnly.maximumWarmUpTimeConstantSeconds = 0
        var alone = SeriesDetector(configuration: mechanismOnly, resource: .memory)
        let aloneAlerts = leakAlerts(replay(&alone, values: series(count: 12 * 120, noise: 0.01) { h in 1e9 * (1 + 0.02 * h) }))
        XCTAssertEqual(aloneAlerts.count, 1)
        if let first = aloneAlerts.first { XCTAssertLessThanOrEqual(Double(first - 1_767_225_600_000) / 3_600_000, 3) }
    }
}

/// The deceleration check: a parabola through the floors that bends down significantly is
/// warm-up, not a leak.
final class DecelerationTests: XCTestCase {
    func testSaturatingGrowthDeceleratesAndALineDoesNot() throws {
        // 3 h into a warm-up from 30 % to 100 % with a 90-min time constant, and a 2 %/h line.
        var warmUp = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&warmUp, values: series(count: 3 * 120, noise: 0.005) { h in
            1e9 * (0.3 + 0.7 * (1 - ElementaryMath.exp(-h / 1.5)))
        })
        XCTAssertTrue(try XCTUnwrap(warmUp.evidenceNow()).decelerates)
        var line = SeriesDetector(configuration: .init(), resource: .memory)
        _ = replay(&line, values: series(count: 6 * 120, noise: 0.01) { h in 1e9 * (1 + 0.02 * h) })
        XCTAssertFalse(try XCTUnwrap(line.evidenceNow()).decelerates)
    }

    func testSlowWarmUpsThatFooledTheContinuationCheckAreNotLeaks() {
        // Three draws of the tuning corpus (seed 2) with slow warm-ups that were alerted before
        // the check: with it at most one still is (the check is not a cure-all), without it and
        // the saturation check all are.
        let corpus = SyntheticCorpus(seed: 2, drawsPerShape: 20, shapes: CorpusShape.original)
        let draws = ["saturatingWarmUp-0", "saturatingWarmUp-1", "saturatingWarmUp-13"].compactMap { name in
            corpus.series.first { $0.labels["instance"] == name }
        }
        XCTAssertEqual(draws.count, 3)
        var disabled = DetectorConfiguration()
        disabled.decelerationZ = .infinity
        // The saturation check (added later) catches the same warm-ups with its own fit.
        disabled.saturationDominance = 0
        // So does the warm-up judgement (issue 15); off here to show the two checks' effect.
        disabled.maximumWarmUpTimeConstantSeconds = 0
        func alerts(_ s: CorpusSeries, _ configuration: DetectorConfiguration) -> Int {
            var detector = SeriesDetector(configuration: configuration, resource: .memory)
            return leakAlerts(replay(&detector, values: s.values)).count
        }
        XCTAssertLessThanOrEqual(draws.map { alerts($0, DetectorConfiguration()) }.reduce(0, +), 1)
        XCTAssertEqual(draws.map { alerts($0, disabled) }.reduce(0, +), 3)
    }
}
