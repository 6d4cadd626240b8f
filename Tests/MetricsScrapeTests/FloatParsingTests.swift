import XCTest
@testable import MetricsScrape

final class FloatParsingTests: XCTestCase {
    private func parse(_ s: String) -> Double? {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { FloatParsing.parse($0.baseAddress!, 0, bytes.count) }
    }

    func testAgreesWithCorrectlyRoundedParsingOnRandomDecimals() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let digits = Int.random(in: 1...17, using: &rng)
            for text in [value.description, String(format: "%.\(digits)g", value), String(Int64.random(in: -1_000_000_000...1_000_000_000, using: &rng))] {
                XCTAssertEqual(parse(text)?.bitPattern, Double(text)?.bitPattern, text)
            }
        }
    }

    func testSpecialWordsAndRejectedForms() {
        XCTAssertEqual(parse("+Inf"), .infinity)
        XCTAssertEqual(parse("-inf"), -.infinity)
        XCTAssertEqual(parse("Infinity"), .infinity)
        XCTAssertTrue(parse("NaN")!.isNaN)
        XCTAssertEqual(parse("-0")?.bitPattern, (-0.0).bitPattern)
        XCTAssertEqual(parse(".5"), 0.5)
        XCTAssertEqual(parse("5."), 5)
        XCTAssertEqual(parse("0000000000000000000000000000000000000000001.2e-1"), 0.12)
        for bad in ["", "+", "-NaN", "0x1", "1_000", "1e", "e5", ".", "1.2.3", "Inf1", "1 ", "nan1"] {
            XCTAssertNil(parse(bad), bad)
        }
    }
}
