import Foundation
import XCTest
@testable import SeriesStore

/// Decimal chunk coding (encoding 2), its integer column codec and decimal rollups (encoding 3):
/// bit-exact round trips over printed decimals, counters, special values and random bits.
final class DecimalCodecPropertyTests: XCTestCase {
    /// Special values a decimal chunk must carry through its raw escape.
    static let specials: [Double] = [
        .nan, -Double.nan, Double(bitPattern: staleMarkerBits), Double(bitPattern: 0xfff4_0000_dead_beef),
        .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1 + 0.2,
    ]

    /// Codes through the sealed-chunk path and decodes; asserts every bit came back.
    @discardableResult
    private func sealAndDecode(_ times: [Int64], _ values: [Double], file: StaticString = #filePath,
                               line: UInt = #line) throws -> SealedChunkCoding {
        var encoder = ChunkEncoder()
        for index in times.indices { encoder.append(timestampMs: times[index], value: values[index]) }
        let coding = SealedChunkCoding(xorBytes: encoder.bytes(), timestampsMs: times, values: values)
        XCTAssertLessThanOrEqual(coding.bytes.count, encoder.bytes().count, "never larger than XOR", file: file, line: line)
        var decodedTimes: [Int64] = []
        var decodedValues: [Double] = []
        try ChunkDecoder.decode(coding.bytes, appendingTo: &decodedTimes, values: &decodedValues)
        assertBitExact(decodedTimes, decodedValues, times, values, file: file, line: line)
        return coding
    }

    private func times(_ count: Int) -> [Int64] { (0..<count).map { 1_700_006_400_000 + Int64($0) * 30_000 } }

    func testSixSignificantDigitGaugesAreDecimalAndRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        for magnitude in [1e-9, 0.0123, 1, 57.0, 1e5, 3e8, 1.5e15, 1e200] {
            let values = (0..<240).map { _ in
                Double(String(format: "%.6g", magnitude * Double.random(in: 0.5...1.5, using: &rng)))!
            }
            let coding = try sealAndDecode(times(240), values)
            if magnitude < 1e100 {
                XCTAssertEqual(coding.bytes[0], DecimalChunkCodec.encoding, "magnitude \(magnitude)")
            }
        }
    }

    func testCountersAndPoissonCountsTakeFewBitsPerValue() throws {
        var rng = SeededGenerator(seed: 8)
        var total = 0.0
        let counter = (0..<240).map { _ -> Double in total += Double(rng.next() % 7); return total }
        let coding = try sealAndDecode(times(240), counter)
        XCTAssertEqual(coding.bytes[0], DecimalChunkCodec.encoding)
        XCTAssertEqual(coding.scaling?.scale, 0)
        // 1 bit per timestamp, ≤ 11 bits per increment of 0…6 (delta) on average well under 8.
        XCTAssertLessThan(coding.bytes.count, 240 * 8 / 8 + 40)
        let constant = [Double](repeating: 1_024, count: 240)
        let constantCoding = try sealAndDecode(times(240), constant)
        XCTAssertLessThan(constantCoding.bytes.count, 240 * 2 / 8 + 30)
    }

    func testSpecialValuesRideTheEscapeInsideADecimalChunk() throws {
        for special in Self.specials {
            var values = (0..<64).map { Double($0) * 0.25 }
            values[10] = special
            values[63] = special
            let coding = try sealAndDecode(times(64), values)
            XCTAssertEqual(coding.bytes[0], DecimalChunkCodec.encoding, "\(special.bitPattern)")
        }
    }

    func testRandomMixesRoundTripBitExact() throws {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<400 {
            let count = Int(1 + rng.next() % 300)
            var values: [Double] = []
            var previous = 0.0
            let digits = Int(1 + rng.next() % 17)
            for _ in 0..<count {
                let value: Double
                switch rng.next() % 10 {
                case 0: value = Self.specials[Int(rng.next() % UInt64(Self.specials.count))]
                case 1: value = Double(bitPattern: rng.next())
                case 2: value = previous
                case 3: value = Double(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64))
                default: value = Double(String(format: "%.\(digits)g", Double.random(in: -1e6...1e6, using: &rng)))!
                }
                values.append(value)
                previous = value
            }
            let gaps = (0..<count).map { _ in Int64(rng.next() % 3 == 0 ? 30_000 : rng.next() % 100_000) }
            var time = Int64(bitPattern: rng.next()) >> 2
            let times = gaps.map { gap -> Int64 in time &+= gap; return time }
            try sealAndDecode(times, values)
        }
    }

    func testIntegerColumnCodecRoundTripsEveryOrderParameterAndEscape() {
        var values: [Int64] = [0, 1, -1, 8, 9, -7, -8, 128, 129, -127, -128, 8192, 8193, -8191, -8192,
                               .max, .min, 1 << 53, -(1 << 53), .max, .min, 0]
        var rng = SeededGenerator(seed: 10)
        for _ in 0..<2_000 { values.append(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)) }
        let rawAt: Set<Int> = [3, 500, 1_999]
        for order in [1, 2] {
            for k in [0, 1, 5, 13, 40, 62] {
                var writer = BitWriter()
                var codec = IntegerColumnCodec(order: order, k: k)
                var estimated = 0
                for (index, value) in values.enumerated() {
                    if rawAt.contains(index) {
                        IntegerColumnCodec.encodeRaw(staleMarkerBits, into: &writer)
                        estimated += 85
                    }
                    estimated += IntegerColumnCodec.bitCount(ofZigzag: codec.zigzagCode(for: value), k: k)
                    codec.encode(value, into: &writer)
                }
                XCTAssertEqual(writer.bitCount, estimated, "bitCount agrees with what encode writes")
                var bytes: [UInt8] = []
                writer.appendPaddedBytes(to: &bytes)
                bytes.withUnsafeBytes { raw in
                    var reader = BitReader(raw)
                    var decoder = IntegerColumnCodec(order: order, k: k)
                    for (index, value) in values.enumerated() {
                        if rawAt.contains(index) {
                            guard case .raw(let bits) = decoder.decode(from: &reader) else { return XCTFail("escape lost") }
                            XCTAssertEqual(bits, staleMarkerBits)
                        }
                        guard case .integer(let decoded) = decoder.decode(from: &reader) else { return XCTFail("raw escape") }
                        XCTAssertEqual(decoded, value, "order \(order) k \(k)")
                    }
                    XCTAssertFalse(reader.overran)
                }
            }
        }
    }

    func testRiceParameterFollowsTheNoise() {
        var rng = SeededGenerator(seed: 13)
        let constant = [Int64](repeating: 42, count: 240)
        XCTAssertEqual(IntegerColumnCodec.bestParameters(constant).k, 0)
        var level: Int64 = 500_000
        let noisy = (0..<240).map { _ -> Int64 in level + Int64(rng.next() % 6_001) - 3_000 }
        let parameters = IntegerColumnCodec.bestParameters(noisy)
        XCTAssertEqual(parameters.order, 1, "white noise: deltas beat delta-of-delta")
        XCTAssertTrue((10...13).contains(parameters.k), "k \(parameters.k)")
        let counter = (0..<240).map { _ -> Int64 in level += 1_000 + Int64(rng.next() % 3); return level }
        XCTAssertEqual(IntegerColumnCodec.bestParameters(counter).order, 2, "steady rate: delta-of-delta")
    }

    func testDecimalRollupsMatchRawAggregates() throws {
        var rng = SeededGenerator(seed: 11)
        let times = self.times(240)
        var values = (0..<240).map { _ in Double(String(format: "%.6g", Double.random(in: 40...60, using: &rng)))! }
        values[5] = Double(bitPattern: staleMarkerBits)  // skipped, as NaN is
        let scaling = try XCTUnwrap(DecimalScaling(values: values))
        let buckets = try XCTUnwrap(RollupCodec.decimalBuckets(timestampsMs: times, values: values, scaling: scaling))
        let blob = RollupCodec.encodeDecimal(buckets, scale: scaling.scale)
        XCTAssertEqual(blob[0], RollupCodec.decimalColumns)
        let decoded = try blob.withUnsafeBytes { try RollupCodec.decode($0) }
        let expected = RollupCodec.buckets(timestampsMs: times, values: values)
        XCTAssertEqual(decoded.map(\.startMs), expected.map(\.startMs))
        XCTAssertEqual(decoded.map(\.count), expected.map(\.count))
        XCTAssertEqual(decoded.map(\.min.bitPattern), expected.map(\.min.bitPattern))
        XCTAssertEqual(decoded.map(\.max.bitPattern), expected.map(\.max.bitPattern))
        for (got, want) in zip(decoded, expected) {
            // The decimal sum is exact before its one rounding; the float sum rounds at each add.
            XCTAssertEqual(got.sum, want.sum, accuracy: want.sum.magnitude * 1e-14)
        }
        // Infinity makes the bucket float: decimal rollups refuse it.
        values[7] = .infinity
        let withInfinity = try XCTUnwrap(DecimalScaling(values: values))
        XCTAssertNil(RollupCodec.decimalBuckets(timestampsMs: times, values: values, scaling: withInfinity))
    }

    func testCorruptDecimalChunksAreErrorsNotTraps() {
        var rng = SeededGenerator(seed: 12)
        let values = (0..<100).map { Double($0) * 1.5 }
        var encoder = ChunkEncoder()
        for (index, time) in times(100).enumerated() { encoder.append(timestampMs: time, value: values[index]) }
        let coding = SealedChunkCoding(xorBytes: encoder.bytes(), timestampsMs: times(100), values: values)
        XCTAssertEqual(coding.bytes[0], DecimalChunkCodec.encoding)
        var t: [Int64] = []
        var v: [Double] = []
        for cut in [2, 3, 4, coding.bytes.count / 2, coding.bytes.count - 1] {
            XCTAssertThrowsError(try ChunkDecoder.decode(Array(coding.bytes.prefix(cut)), appendingTo: &t, values: &v), "cut \(cut)")
        }
        for _ in 0..<2_000 {
            var bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if !bytes.isEmpty { bytes[0] = rng.next() % 2 == 0 ? DecimalChunkCodec.encoding : RollupCodec.decimalColumns }
            _ = try? ChunkDecoder.decode(bytes, appendingTo: &t, values: &v)
            _ = bytes.withUnsafeBytes { try? RollupCodec.decode($0) }
        }
    }
}
