import XCTest
import ProfileDiff

final class StackDiffTests: XCTestCase {
    private let heapTypes: [StackProfile.SampleType] = [.init(type: "inuse_objects", unit: "count"), .init(type: "inuse_space", unit: "bytes")]
    private let watch = CallStack(frames: ["runtime.malg", "runtime.newproc1", "go.etcd.io/etcd/mvcc.(*watchableStore).NewWatchStream", "main.main"])
    private let cache = CallStack(frames: ["example.com/cache.(*LRU).Add", "main.main"])
    private let gone = CallStack(frames: ["example.com/boot.load", "main.main"])

    private func heap(_ values: [CallStack: [Int64]]) -> StackProfile {
        StackProfile(kind: .heap, sampleTypes: heapTypes, defaultSampleIndex: 1, values: values)
    }

    func testStacksAreRankedByGrowthWithTheirShareOfTheTotal() throws {
        let before = heap([watch: [10, 1000], cache: [5, 500], gone: [1, 200]])
        let after = heap([watch: [100, 7000], cache: [6, 1500]])
        let diff = try StackDiff(before: before, after: after)
        XCTAssertEqual(diff.sampleType.type, "inuse_space")
        XCTAssertEqual(diff.entries.map(\.stack), [watch, cache, gone])
        XCTAssertEqual(diff.entries.map(\.delta), [6000, 1000, -200])
        XCTAssertEqual(diff.totalDelta, 6800)
        XCTAssertEqual(diff.shareOfGrowth(diff.entries[0])!, 6000.0 / 6800.0, accuracy: 1e-12)
        XCTAssertEqual(diff.topGrowth(10).count, 2)
        XCTAssertEqual(diff.summaryLine, "heap: +5.9 KiB in use at go.etcd.io/etcd/mvcc.(*watchableStore).NewWatchStream (88% of +6.6 KiB)")

        let objects = try StackDiff(before: before, after: after, sampleIndex: "inuse_objects")
        XCTAssertEqual(objects.entries.map(\.delta), [90, 1, -1])
        XCTAssertEqual(objects.summaryLine, "heap: +90 inuse_objects at go.etcd.io/etcd/mvcc.(*watchableStore).NewWatchStream (100% of +90)")
    }

    func testFlatByFunctionSumsStacksPerLeafAsPprofTop() throws {
        let other = CallStack(frames: ["runtime.malg", "runtime.newproc1", "net/http.(*Server).Serve"])
        let diff = try StackDiff(before: heap([watch: [0, 100], other: [0, 50]]), after: heap([watch: [0, 400], other: [0, 20]]))
        XCTAssertEqual(diff.flatByFunction().map(\.function), ["runtime.malg"])
        XCTAssertEqual(diff.flatByFunction().map(\.delta), [270])
    }

    func testAFlatDiffHasNoSummary() throws {
        let profile = heap([watch: [1, 100]])
        let diff = try StackDiff(before: profile, after: profile)
        XCTAssertNil(diff.summaryLine)
        XCTAssertEqual(StackDiffReport(diff).stacks, [.init(frames: watch.frames, before: 100, after: 100, delta: 0)])
    }

    func testHeapAndGoroutineEvidenceDoNotCompareAndUnknownSampleIndexesAreErrors() {
        let goroutines = StackProfile(kind: .goroutine, sampleTypes: [.init(type: "goroutine", unit: "count")], defaultSampleIndex: 0, values: [:])
        XCTAssertThrowsError(try StackDiff(before: heap([:]), after: goroutines)) { XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .mismatch) }
        XCTAssertThrowsError(try StackDiff(before: heap([:]), after: heap([:]), sampleIndex: "alloc_space")) {
            XCTAssertEqual(($0 as! EvidenceDecodeError).kind, .sampleIndex)
        }
        XCTAssertThrowsError(try StackDiff(before: heap([:]), after: heap([:]), sampleIndex: "7"))
    }

    func testGoroutineSummaryNamesTheFirstApplicationFrame() throws {
        let sendLoop = CallStack(frames: ["go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop"])
        let poll = CallStack(frames: ["internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait", "net.(*conn).Read"])
        func dump(_ values: [CallStack: Int64]) -> StackProfile {
            StackProfile(kind: .goroutine, sampleTypes: [.init(type: "goroutine", unit: "count")], defaultSampleIndex: 0, values: values.mapValues { [$0] })
        }
        let diff = try StackDiff(before: dump([sendLoop: 3, poll: 10]), after: dump([sendLoop: 203, poll: 12]))
        XCTAssertEqual(diff.summaryLine, "goroutines: +200 at go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop (99% of +202)")
    }
}
