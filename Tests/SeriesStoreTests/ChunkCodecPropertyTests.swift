import XCTest
@testable import SeriesStore

/// Round trips of the Gorilla chunk codec over random and edge inputs, compared bit for bit.
final class ChunkCodecPropertyTests: XCTestCase {
    /// Values chosen to hit every XOR branch and every special float.
    static let edgeValues: [Double] = [
        0.0, -0.0, 1.0, -1.0, .infinity, -.infinity, .nan, -Double.nan,
        Double(bitPattern: staleMarkerBits), Double(bitPattern: 0x7ff8_0000_0000_0001),  // Prometheus' normal NaN
        Double(bitPattern: 0xfff4_0000_dead_beef),  // signalling NaN with payload
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, Double(bitPattern: 0x000f_ffff_ffff_ffff),  // largest subnormal
        .pi, 1e-300, 123_456_789.0, 4096 * 37_000, 0.1, 0.2,
    ]

    private func roundTrip(_ times: [Int64], _ values: [Double], file: StaticString = #filePath, line: UInt = #line) throws {
        var encoder = ChunkEncoder()
        for index in times.indices {
            XCTAssertTrue(encoder.append(timestampMs: times[index], value: values[index]), file: file, line: line)
        }
        var decodedTimes: [Int64] = []
        var decodedValues: [Double] = []
        let count = try ChunkDecoder.decode(encoder.bytes(), appendingTo: &decodedTimes, values: &decodedValues)
        XCTAssertEqual(count, times.count, file: file, line: line)
        assertBitExact(decodedTimes, decodedValues, times, values, file: file, line: line)
    }

    /// A random value from one of several realistic or hostile families.
    private func randomValue(_ rng: inout SeededGenerator, previous: Double) -> Double {
        switch rng.next() % 9 {
        case 0: return Double(bitPattern: rng.next())  // any bit pattern: NaN payloads, subnormals
        case 1: return Self.edgeValues[Int(rng.next() % UInt64(Self.edgeValues.count))]
        case 2: return previous  // repeats
        case 3: return Double(Int64(bitPattern: rng.next()) >> 40)  // integers, either sign
        case 4: return Double((rng.next() % 100_000) * 4096)  // page-multiple memory sizes
        case 5: return previous + Double(rng.next() % 1000)  // counter step
        case 6: return Double(bitPattern: rng.next() & 0x000f_ffff_ffff_ffff)  // subnormals
        case 7: return Double.random(in: -1e6...1e6, using: &rng)
        default: return -previous
        }
    }

    /// A random non-decreasing gap: regular, jittered, equal, huge.
    private func randomGap(_ rng: inout SeededGenerator) -> Int64 {
        switch rng.next() % 7 {
        case 0: return 15_000
        case 1: return 15_000 + Int64(rng.next() % 200) - 100
        case 2: return 0
        case 3: return Int64(rng.next() % 1_000_000_000)
        case 4: return Int64(rng.next() >> 2)  // up to 2^62: jumps far enough to exercise wrapping
        case 5: return Int64(rng.next() % 10_000)
        default: return 1
        }
    }

    func testRandomStreamsRoundTripBitExact() throws {
        var rng = SeededGenerator(seed: 0x50AC_0001)
        for iteration in 0..<3_000 {
            let count = 1 + Int(rng.next() % 300)
            var times: [Int64] = []
            var values: [Double] = []
            var time = Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)  // any start, often small
            var value = 0.0
            for _ in 0..<count {
                times.append(time)
                value = randomValue(&rng, previous: value)
                values.append(value)
                let (next, overflow) = time.addingReportingOverflow(randomGap(&rng))
                time = overflow ? .max : next
            }
            try roundTrip(times, values)
            if testRun?.failureCount ?? 0 > 0 { XCTFail("first failing iteration \(iteration)"); return }
        }
    }

    func testEveryEdgeValueAfterEveryOtherRoundTrips() throws {
        var times: [Int64] = []
        var values: [Double] = []
        var time: Int64 = 1_700_000_000_000
        for first in Self.edgeValues {
            for second in Self.edgeValues {
                values += [first, second]
                times += [time, time + 15_000]
                time += 30_000
            }
        }
        try roundTrip(times, values)
    }

    func testExtremeTimestampsRoundTrip() throws {
        try roundTrip([.min, .min, -1, 0, 0, 1, .max - 1, .max, .max], [1, 2, 3, 4, 5, 6, 7, 8, 9])
        try roundTrip([.min, .max], [.nan, -0.0])
        try roundTrip([42], [Double(bitPattern: staleMarkerBits)])
    }

    func testNegativeDeltaIsRejectedBeforeEncoding() throws {
        var encoder = ChunkEncoder()
        XCTAssertTrue(encoder.append(timestampMs: 1_000, value: 1))
        let before = encoder.bytes()
        XCTAssertFalse(encoder.append(timestampMs: 999, value: 2))
        XCTAssertEqual(encoder.count, 1)
        XCTAssertEqual(encoder.bytes(), before, "a rejected sample must not change the chunk")
        XCTAssertTrue(encoder.append(timestampMs: 1_000, value: 3), "equal timestamps are the store's call, not the codec's")
    }

    func testRegularScrapesCostAboutOneBitPerTimestamp() {
        var encoder = ChunkEncoder()
        for index in 0..<480 { encoder.append(timestampMs: 1_700_000_000_000 + Int64(index) * 15_000, value: 7) }
        // 68 + 68 bits for the first sample, 24 for the second gap, then 1 (timestamp) + 1 (value) each.
        XCTAssertEqual(encoder.payloadByteCount, (68 + 68 + 4 + 20 + 1 + 478 * 2 + 7) / 8)
    }

    func testTruncatedChunkIsCorruptNotACrash() {
        var encoder = ChunkEncoder()
        for index in 0..<100 { encoder.append(timestampMs: Int64(index) * 15_000, value: Double(index) * 1.1) }
        let bytes = encoder.bytes()
        for cut in [0, 1, 2, bytes.count / 2, bytes.count - 1] {
            var times: [Int64] = []
            var values: [Double] = []
            XCTAssertThrowsError(try ChunkDecoder.decode(Array(bytes.prefix(cut)), appendingTo: &times, values: &values)) { error in
                XCTAssertEqual((error as? StoreError)?.kind, .corrupt)
            }
            XCTAssertEqual(times.count, 0, "nothing half-decoded is handed out")
        }
    }

    func testRandomGarbageNeverTraps() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            var bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if !bytes.isEmpty { bytes[0] = ChunkEncoder.gorillaV1 }
            var times: [Int64] = []
            var values: [Double] = []
            _ = try? ChunkDecoder.decode(bytes, appendingTo: &times, values: &values)
            _ = bytes.withUnsafeBytes { try? RollupCodec.decode($0) }
        }
    }

    func testRollupCodecRoundTripsBucketsBitExact() throws {
        var rng = SeededGenerator(seed: 99)
        for iteration in 0..<1_000 {
            var buckets: [RollupBucket] = []
            var start = Int64(rng.next() % 1_000_000) * 300_000
            let integral = iteration % 2 == 1
            // Integers up to ±2^53 (the integer-column encoding), or anything (float columns).
            func value() -> Double {
                integral ? Double(Int64(bitPattern: rng.next()) >> Int64(11 + rng.next() % 50)) : randomValue(&rng, previous: 1)
            }
            for _ in 0..<Int(1 + rng.next() % 40) {
                buckets.append(RollupBucket(startMs: start, min: value(), max: value(), sum: value(), count: Int(rng.next() % 100) + 1))
                start += 300_000 * Int64(1 + rng.next() % 3)
            }
            if integral && iteration % 10 == 1 { buckets[buckets.count - 1].sum = -0.0 }  // not an Int64: float columns
            let encoded = RollupCodec.encode(buckets)
            if integral {
                XCTAssertEqual(encoded[0], iteration % 10 != 1 ? RollupCodec.integerColumns : RollupCodec.floatColumns)
            }
            let decoded = try encoded.withUnsafeBytes { try RollupCodec.decode($0) }
            XCTAssertEqual(decoded.map(\.startMs), buckets.map(\.startMs))
            XCTAssertEqual(decoded.map(\.min.bitPattern), buckets.map(\.min.bitPattern))
            XCTAssertEqual(decoded.map(\.max.bitPattern), buckets.map(\.max.bitPattern))
            XCTAssertEqual(decoded.map(\.sum.bitPattern), buckets.map(\.sum.bitPattern))
            XCTAssertEqual(decoded.map(\.count), buckets.map(\.count))
        }
    }

    func testRollupBucketsSkipNaNAndAlignToFiveMinutes() {
        let times: [Int64] = [299_999, 300_000, 310_000, 599_999, 600_000]
        let values: [Double] = [5, 1, .nan, 3, Double(bitPattern: staleMarkerBits)]
        let buckets = RollupCodec.buckets(timestampsMs: times, values: values)
        XCTAssertEqual(buckets, [RollupBucket(startMs: 0, min: 5, max: 5, sum: 5, count: 1),
                                 RollupBucket(startMs: 300_000, min: 1, max: 3, sum: 4, count: 2)])
    }
}
