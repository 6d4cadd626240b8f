import XCTest
import ProfileDiff

/// Replays Fuzz/corpus/profile (the seed corpus of `make fuzz-profile` and any crash reproducers
/// added to it) through the same property the fuzzer checks.
final class FuzzCorpusReplayTests: XCTestCase {
    func testEveryCorpusInputDecodesOrFailsCleanly() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Fixture.fuzzCorpus, includingPropertiesForKeys: nil)
        XCTAssertGreaterThanOrEqual(files.count, 10, "the corpus is missing")
        for file in files {
            EvidenceFuzzCheck.check([UInt8](try Data(contentsOf: file)))
        }
    }
}
