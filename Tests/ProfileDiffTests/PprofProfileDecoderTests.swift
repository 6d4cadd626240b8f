import XCTest
import SwiftProtobuf
@testable import ProfileDiff

final class PprofProfileDecoderTests: XCTestCase {
    /// A heap profile with one location holding an inlined call (`inner` inlined into `outer`).
    private func inlinedProfile() -> Perftools_Profiles_Profile {
        var profile = Perftools_Profiles_Profile()
        profile.stringTable = ["", "inuse_objects", "count", "inuse_space", "bytes",
                               "example.com/app.inner", "example.com/app.outer", "main.main"]
        profile.sampleType = [.with { $0.type = 1; $0.unit = 2 }, .with { $0.type = 3; $0.unit = 4 }]
        profile.function = [.with { $0.id = 1; $0.name = 5 }, .with { $0.id = 2; $0.name = 6 }, .with { $0.id = 3; $0.name = 7 }]
        profile.location = [
            .with { $0.id = 10; $0.line = [.with { $0.functionID = 1 }, .with { $0.functionID = 2 }] },
            .with { $0.id = 11; $0.line = [.with { $0.functionID = 3 }] },
            .with { $0.id = 12; $0.address = 0x4a2b3c },
        ]
        profile.sample = [
            .with { $0.locationID = [10, 11]; $0.value = [2, 2048] },
            .with { $0.locationID = [10, 11]; $0.value = [1, 1024] },
            .with { $0.locationID = [12]; $0.value = [1, 64] },
        ]
        return profile
    }

    func testInlinedFramesAreExpandedLeafFirstAndEqualStacksSummed() throws {
        let bytes: [UInt8] = try inlinedProfile().serializedBytes()
        let profile = try PprofProfileDecoder.decode(bytes)
        XCTAssertEqual(profile.kind, .heap)
        XCTAssertEqual(profile.values[CallStack(frames: ["example.com/app.inner", "example.com/app.outer", "main.main"])], [3, 3072])
        XCTAssertEqual(profile.values[CallStack(frames: ["0x4a2b3c"])], [1, 64])
        XCTAssertEqual(try profile.sampleIndex(named: nil), 1, "no default_sample_type: the last, as pprof")
        XCTAssertEqual(try profile.sampleIndex(named: "inuse_objects"), 0)
    }

    func testARealPrometheusHeapProfileDecodes() throws {
        let profile = try StackProfile.decode(Fixture.bytes("prometheus-heap-1.pb.gz"))
        XCTAssertEqual(profile.kind, .heap)
        XCTAssertEqual(profile.sampleTypes.map(\.type), ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
        XCTAssertEqual(profile.sampleTypes[profile.defaultSampleIndex].type, "inuse_space")
        XCTAssertTrue(profile.values.keys.contains { $0.frames.contains("main.main") })
        // The same total `go tool pprof -top -unit=B -sample_index=inuse_space` reports for this file.
        XCTAssertEqual(profile.values.values.reduce(0) { $0 + $1[3] }, Self.prometheusHeap1InuseSpaceBytes)
    }

    func testARealGoroutineProfileProtoDecodesAsGoroutineEvidence() throws {
        let profile = try StackProfile.decode(Fixture.bytes("prometheus-goroutine.pb.gz"))
        XCTAssertEqual(profile.kind, .goroutine)
        XCTAssertGreaterThan(profile.values.values.reduce(0) { $0 + $1[0] }, 10)
    }

    func testBrokenProfilesAreClearErrors() throws {
        let real = try Fixture.bytes("prometheus-heap-1.pb.gz")
        let truncated = Array(real.prefix(real.count / 2))
        XCTAssertThrowsError(try StackProfile.decode(truncated)) { XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .gzip) }

        var missingLocation = inlinedProfile()
        missingLocation.sample[0].locationID = [99]
        XCTAssertThrowsError(try PprofProfileDecoder.decode(try missingLocation.serializedBytes())) {
            XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .profile)
            XCTAssertTrue("\($0)".contains("location 99"), "\($0)")
        }
        var badString = inlinedProfile()
        badString.function[0].name = 1000
        XCTAssertThrowsError(try PprofProfileDecoder.decode(try badString.serializedBytes())) {
            XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .profile)
        }
        var wrongValueCount = inlinedProfile()
        wrongValueCount.sample[1].value = [1]
        XCTAssertThrowsError(try PprofProfileDecoder.decode(try wrongValueCount.serializedBytes()))
        XCTAssertThrowsError(try StackProfile.decode([0x0a, 0xff, 0xff])) { XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .protobuf) }
        XCTAssertThrowsError(try StackProfile.decode(Array("{\"not\": \"a profile\"}".utf8))) {
            XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .unknownFormat)
        }
    }

    /// `go tool pprof -top -unit=B -sample_index=inuse_space Fixtures/prometheus-heap-1.pb.gz`:
    /// "Showing nodes accounting for 5326892B, 100% of 5326892B total".
    private static let prometheusHeap1InuseSpaceBytes: Int64 = 5_326_892

    func testADecompressionBombStopsAtTheLimit() throws {
        let real = try Fixture.bytes("prometheus-heap-1.pb.gz")
        XCTAssertThrowsError(try StackProfile.decode(real, limitBytes: 1000)) { XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .tooLarge) }
    }
}
