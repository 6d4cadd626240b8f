import Foundation
import XCTest
@testable import SeriesStore

/// SplitMix64: a tiny seeded generator so property tests replay exactly from their seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh directory under the system temp dir, removed by `remove()` (call it in a `defer`).
struct ScratchDirectory {
    let url: URL

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-store-\(safe)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ file: String) -> String { url.appendingPathComponent(file).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Prometheus' stale-marker NaN (value.StaleNaN).
let staleMarkerBits: UInt64 = 0x7ff0_0000_0000_0002

/// Asserts two sample arrays are equal with values compared bit for bit.
func assertBitExact(_ actualTimes: [Int64], _ actualValues: [Double], _ expectedTimes: [Int64], _ expectedValues: [Double],
                    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actualTimes, expectedTimes, message(), file: file, line: line)
    XCTAssertEqual(actualValues.map(\.bitPattern), expectedValues.map(\.bitPattern), message(), file: file, line: line)
}
