import PromQL
import SoakModel
import XCTest

final class EngineTests: XCTestCase {
    /// A counter scraped every 15 s for an hour, rising 1/s, with a reset at 30 min, and a gauge
    /// that disappears (staleness marker) at 40 min.
    private func storage() -> MemoryStorage {
        var storage = MemoryStorage()
        let counter = Labels(["__name__": "requests_total", "job": "api"])
        var points: [Point] = []
        for i in 0...240 {
            let t = Int64(i) * 15_000
            let value = i < 120 ? Double(i) * 15 : Double(i - 120) * 15
            points.append(Point(t, value))
        }
        storage.append(counter, points)
        let gauge = Labels(["__name__": "memory_bytes", "job": "api"])
        storage.append(gauge, (0...160).map { Point(Int64($0) * 15_000, 1000 + Double($0)) } + [Point(161 * 15_000, Point.staleNaN)])
        return storage
    }

    func testRangeQueryIsOnTheStepGridAndSortedByLabels() throws {
        let engine = Engine(storage: storage())
        let result = try engine.rangeQuery("rate(requests_total[1m])", startMs: 600_000, endMs: 1_200_000, stepMs: 60_000)
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result[0].labels, Labels(["job": "api"]))
        XCTAssertEqual(result[0].points.map(\.timestampMs), stride(from: 600_000, through: 1_200_000, by: 60_000).map { Int64($0) })
        for point in result[0].points { XCTAssertEqual(point.value, 1, accuracy: 1e-12) }
    }

    func testCounterResetIsAddedBack() throws {
        let engine = Engine(storage: storage())
        guard case .vector(let samples) = try engine.instantQuery("increase(requests_total[10m])", atMs: 2_100_000) else {
            return XCTFail("not a vector")
        }
        // 25 → 35 min spans the reset at 30 min: 19 steps of 15 before it (1785 → 0 counts as
        // a restart from 0, so that step's increase is lost) and 20 after it.
        XCTAssertEqual(samples.first?.value ?? 0, 585, accuracy: 1e-9)
    }

    func testStalenessMarkerEndsTheSeriesBeforeTheLookbackDoes() throws {
        let engine = Engine(storage: storage())
        guard case .vector(let before) = try engine.instantQuery("memory_bytes", atMs: 2_400_000),
              case .vector(let after) = try engine.instantQuery("memory_bytes", atMs: 2_430_000) else {
            return XCTFail("not a vector")
        }
        XCTAssertEqual(before.map(\.value), [1160])
        XCTAssertEqual(after, [], "the marker at 40m15s hides the series although the lookback is 5 m")
    }

    func testTooManyPointsIsBadData() {
        let engine = Engine(storage: storage())
        XCTAssertThrowsError(try engine.rangeQuery("memory_bytes", startMs: 0, endMs: 11_000_000, stepMs: 1000)) { error in
            XCTAssertEqual((error as? PromQLError)?.kind, .badData)
            XCTAssertTrue((error as? PromQLError)?.message.contains("maximum resolution of 11,000 points") ?? false)
        }
    }

    func testManyToManyMatchingIsAnExecutionError() {
        var storage = MemoryStorage()
        storage.append(Labels(["__name__": "a", "x": "1"]), [Point(0, 1)])
        storage.append(Labels(["__name__": "a", "x": "2"]), [Point(0, 1)])
        storage.append(Labels(["__name__": "b", "y": "1"]), [Point(0, 1)])
        storage.append(Labels(["__name__": "b", "y": "2"]), [Point(0, 1)])
        let engine = Engine(storage: storage)
        XCTAssertThrowsError(try engine.instantQuery("a + on() b", atMs: 0)) { error in
            XCTAssertEqual((error as? PromQLError)?.kind, .execution)
        }
        XCTAssertNoThrow(try engine.instantQuery("a + on() group_left sum(b)", atMs: 0))
    }

    func testPredictLinearAndDerivOfALinearGauge() throws {
        let engine = Engine(storage: storage())
        guard case .vector(let deriv) = try engine.instantQuery("deriv(memory_bytes[10m])", atMs: 1_800_000),
              case .vector(let predicted) = try engine.instantQuery("predict_linear(memory_bytes[10m], 3600)", atMs: 1_800_000) else {
            return XCTFail("not a vector")
        }
        XCTAssertEqual(deriv[0].value, 1.0 / 15, accuracy: 1e-12)
        XCTAssertEqual(predicted[0].value, 1120 + 3600.0 / 15, accuracy: 1e-9)
    }
}
