import XCTest
@testable import LeakDetection

/// What the detector assumes about the noise around a trend, mechanism by mechanism: which level
/// of a memory bucket it judges, when the serial-correlation correction is skipped (white noise),
/// and how ρ is estimated robustly (clipped jumps, white noise removed, both levels, older half).
final class NoiseModelTests: XCTestCase {
    private func evidence(_ values: [Double], resource: ResourceKind = .memory,
                          configuration: DetectorConfiguration = .init()) throws -> SeriesDetector.Evidence {
        var detector = SeriesDetector(configuration: configuration, resource: resource)
        _ = replay(&detector, values: values)
        return try XCTUnwrap(detector.evidenceNow())
    }

    /// A GC sawtooth over `floor(hours)`: +35 % over a 4-min cycle, then back to the floor.
    private func sawtooth(hours: Double, seed: UInt64 = 7, floor: (Double) -> Double) -> [Double] {
        series(count: Int(hours * 120), noise: 0.002, seed: seed) { h in
            floor(h) * (1 + 0.35 * (h * 60).truncatingRemainder(dividingBy: 4) / 4)
        }
    }

    /// 30-s samples of an Ornstein–Uhlenbeck level (spread and correlation time given) plus white
    /// scrape noise of `white` (fractions of the level).
    private func wandering(hours: Double, tauHours: Double, spread: Double, white: Double, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        let decay = ElementaryMath.exp(-30 / (tauHours * 3600))
        let innovation = spread * (1 - decay * decay).squareRoot()
        var x = spread * random.normal()
        return (0..<Int(hours * 120)).map { _ in
            x = x * decay + innovation * random.normal()
            return 1e9 * (1 + x) * (1 + white * random.normal())
        }
    }

    // MARK: Which level of a memory bucket is judged

    func testMemoryWithoutASawtoothIsJudgedOnMeansAndUnderASawtoothOnFloors() throws {
        let plain = series(count: 4 * 120, noise: 0.01) { h in 1e9 * (1 + 0.02 * h) }
        XCTAssertTrue(try evidence(plain).judgedOnMeans)
        XCTAssertFalse(try evidence(sawtooth(hours: 4) { h in 1e9 * (1 + 0.02 * h) }).judgedOnMeans)
        var floorsOnly = DetectorConfiguration()
        floorsOnly.chooseMemoryLevel = false
        XCTAssertFalse(try evidence(plain, configuration: floorsOnly).judgedOnMeans)
        // Counts are always judged on their means.
        var random = SeededGenerator(seed: 5)
        let fds = (0..<(4 * 120)).map { _ in random.poisson(200) }
        XCTAssertTrue(try evidence(fds, resource: .fileDescriptors).judgedOnMeans)
    }

    func testMeansMakeAPlainMemoryLeakSignificantSooner() throws {
        // The minimum of ten noisy samples is three times as variable as their mean: over the
        // same two hours the rank test on means is clearly stronger.
        var floorsOnly = DetectorConfiguration()
        floorsOnly.chooseMemoryLevel = false
        var stronger = 0
        for seed in UInt64(1)...8 {
            let values = series(count: 2 * 120, noise: 0.02, seed: seed) { h in 1e9 * (1 + 0.02 * h) }
            let onMeans = try evidence(values).assessment.trendZ
            let onFloors = try evidence(values, configuration: floorsOnly).assessment.trendZ
            if onMeans > onFloors { stronger += 1 }
        }
        XCTAssertGreaterThanOrEqual(stronger, 7)
    }

    // MARK: White noise needs no serial-correlation correction

    func testWhiteBucketMeansSkipTheCorrectionAndWanderingOnesKeepIt() throws {
        var alwaysCorrect = DetectorConfiguration()
        alwaysCorrect.whiteNoiseZ = -.infinity
        var corrected = 0
        for seed in UInt64(1)...8 {
            let leak = series(count: 3 * 120, noise: 0.01, seed: seed) { h in 1e9 * (1 + 0.02 * h) }
            XCTAssertEqual(try evidence(leak).serialCorrelation, 0, "seed \(seed)")
            if try evidence(leak, configuration: alwaysCorrect).serialCorrelation > 0 { corrected += 1 }
        }
        // Without the test ρ is estimated on every window, and noise makes it positive on some.
        XCTAssertGreaterThanOrEqual(corrected, 3)
        let wanderingRho = try evidence(wandering(hours: 4, tauHours: 2, spread: 0.04, white: 0.005, seed: 3)).serialCorrelation
        XCTAssertGreaterThan(wanderingRho, 0.6)
    }

    // MARK: Estimating ρ robustly

    func testTheJumpsOfAStaircaseAreNotPersistence() throws {
        // Steps of 3 % every 70 min under 0.5 % noise, judged on means: without clipping the few
        // jumps dominate the differences and make the staircase look like a random walk.
        let staircase = series(count: 4 * 120, noise: 0.005) { h in 1e9 * (1 + 0.03 * (h / (7.0 / 6)).rounded(.down)) }
        let clipped = try evidence(staircase)
        XCTAssertTrue(clipped.judgedOnMeans)
        var unclipped = DetectorConfiguration()
        unclipped.differenceClipMADs = .infinity
        XCTAssertLessThan(clipped.serialCorrelation, 0.5)
        XCTAssertGreaterThan(try evidence(staircase, configuration: unclipped).serialCorrelation, 0.9)
    }

    func testWhiteNoiseIsTakenOutOfTheWanderingEstimate() throws {
        // A wandering level under strong white noise: the noise pulls the difference correlation
        // towards −½; with the within-bucket scatter it is taken out again.
        var kept = DetectorConfiguration()
        kept.removeWhiteNoiseFromPersistence = false
        var higher = 0
        for seed in UInt64(1)...6 {
            let values = wandering(hours: 4, tauHours: 2, spread: 0.04, white: 0.03, seed: seed)
            if try evidence(values).serialCorrelation > evidence(values, configuration: kept).serialCorrelation { higher += 1 }
        }
        XCTAssertGreaterThanOrEqual(higher, 5)
    }

    func testAWanderingSawtoothFloorTakesItsPersistenceFromTheSteadierLevel() throws {
        // Judged on floors (sawtooth), whose minimum-of-a-ramp noise hides part of the wandering;
        // the means see it too, and the larger estimate is used.
        var oneLevel = DetectorConfiguration()
        oneLevel.persistenceFromBothLevels = false
        var atLeast = 0
        var greater = 0
        for seed in UInt64(1)...6 {
            let base = wandering(hours: 4, tauHours: 2, spread: 0.03, white: 0.01, seed: seed)
            let values = base.enumerated().map { i, v in v * (1 + 0.35 * Double(i % 8) / 8) }
            let both = try evidence(values)
            XCTAssertFalse(both.judgedOnMeans)
            let single = try evidence(values, configuration: oneLevel).serialCorrelation
            if both.serialCorrelation >= single { atLeast += 1 }
            if both.serialCorrelation > single { greater += 1 }
        }
        XCTAssertEqual(atLeast, 6)
        XCTAssertGreaterThanOrEqual(greater, 1)
    }

    // MARK: The recent half of the window

    func testTheRecentHalfNeedsAStrongerCase() {
        // A late onset is still found within two hours (LateOnsetTests); what the recent half
        // alone finds in healthy churn must clear recentLeakZ. Over eight hours of Poisson churn
        // from twelve seeds, at the whole window's threshold the recent half alerts more often.
        var lenient = DetectorConfiguration()
        lenient.recentLeakZ = lenient.leakZ
        var strict = 0
        var loose = 0
        for seed in UInt64(1)...12 {
            var random = SeededGenerator(seed: seed)
            let values = (0..<(12 * 120)).map { _ in random.poisson(40) }
            var a = SeriesDetector(configuration: .init(), resource: .fileDescriptors)
            var b = SeriesDetector(configuration: lenient, resource: .fileDescriptors)
            strict += leakAlerts(replay(&a, values: values)).count
            loose += leakAlerts(replay(&b, values: values)).count
        }
        XCTAssertLessThanOrEqual(strict, loose)
    }
}
