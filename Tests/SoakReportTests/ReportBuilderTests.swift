import Foundation
import LeakDetection
import MonitorState
import SeriesStore
import SoakModel
import XCTest
@testable import SoakReport

/// What the report finds in a store and how it draws it.
final class ReportBuilderTests: XCTestCase {
    func testImportedStoreWithoutFindingsGetsTheLeakFromReplayingTheDetector() throws {
        let directory = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        try ReportFixtures.fill(store, leakPercentPerHour: 3)
        try ReportFixtures.fill(store, job: "etcd", instance: "10.0.0.2:2379", leakPercentPerHour: 0)

        let model = try ReportBuilder(store: store, request: ReportRequest()).build()

        XCTAssertTrue(model.findingsReplayedOnly)
        XCTAssertEqual(model.findings.map(\.component), ["apiserver/10.0.0.1:6443"], "only the leaking RSS is a finding")
        let finding = try XCTUnwrap(model.findings.first)
        XCTAssertEqual(finding.resource, .memory)
        XCTAssertEqual(finding.series.metric, "process_resident_memory_bytes")
        XCTAssertEqual(finding.source, .replayed)
        XCTAssertEqual(finding.state, .firing)
        // 3 % of the starting level per hour is ~2.4 % of the window's (higher) mean level.
        XCTAssertEqual(finding.growthPercentPerHour, 2.3, accuracy: 0.6)
        let interval = try XCTUnwrap(finding.growthInterval)
        XCTAssertTrue(interval.contains(finding.growthPercentPerHour), "\(interval) holds \(finding.growthPercentPerHour)")
        XCTAssertGreaterThan(interval.lowerBound, 0)
        // The chart's data: a raw range per step over 12 h, and one judged floor per 5-min bucket.
        XCTAssertGreaterThan(finding.chart.buckets.count, 100)
        XCTAssertGreaterThan(finding.chart.levels.count, 130)
        // The floors sit at the sawtooth's troughs, under the step means.
        let meanOfMeans = finding.chart.buckets.map(\.mean).reduce(0, +) / Double(finding.chart.buckets.count)
        let meanOfFloors = finding.chart.levels.reduce(0, +) / Double(finding.chart.levels.count)
        XCTAssertLessThan(meanOfFloors, meanOfMeans - 10e6)
        XCTAssertNotNil(finding.chart.trendStartValue)

        XCTAssertEqual(model.components.map(\.key), ["apiserver/10.0.0.1:6443", "etcd/10.0.0.2:2379"])
        XCTAssertEqual(model.components[0].panels.map(\.kind), PanelKind.allCases)
        XCTAssertEqual(model.components[0].panels.first?.hasFinding, true)
        XCTAssertEqual(model.components[1].panels.contains { $0.hasFinding }, false)
        XCTAssertEqual(model.spanFromMs, ReportFixtures.startMs)
        XCTAssertEqual(model.sampleCount, 2 * 5 * 1440)
        try store.close()
    }

    func testJobFilterAndEmptyRangeSayWhatIsMissing() throws {
        let directory = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        try ReportFixtures.fill(store, hours: 2)
        var request = ReportRequest()
        request.jobs = ["kubelet"]
        XCTAssertThrowsError(try ReportBuilder(store: store, request: request).build()) { error in
            let error = error as? ReportError
            XCTAssertEqual(error?.kind, .badInput)
            XCTAssertTrue(error?.message.contains("no samples in the requested range for job kubelet") == true, "\(String(describing: error))")
        }
        request.jobs = ["apiserver"]
        request.fromMs = ReportFixtures.startMs + 3_600_000
        let model = try ReportBuilder(store: store, request: request).build()
        XCTAssertEqual(model.spanFromMs, request.fromMs)
        try store.close()
    }

    func testRecordedFindingIsShownWithItsEvidenceWrittenBesideTheReport() throws {
        let directory = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        try ReportFixtures.fill(store)
        let key = SeriesKey(metric: "process_resident_memory_bytes",
                            labels: [Label("job", "apiserver"), Label("instance", "10.0.0.1:6443")])
        let onset = ReportFixtures.startMs + 2 * 3_600_000
        let record = try store.insertFinding(FindingRecord(
            series: key, resource: .memory, state: .firing, onsetMs: onset, firstAlertMs: onset + 3_600_000,
            judgedMs: onset + 9 * 3_600_000, slopePerHour: 12e6, growthPercentPerHour: 2.5, leastSquaresSlopePerHour: 12e6,
            confidence: 0.999, exhaustionMs: nil, version: "v1.31.2", dedupeKey: "k1", lastNotifiedMs: onset))
        let profile: [UInt8] = [0x1f, 0x8b, 8, 0, 1, 2, 3]
        _ = try store.insertEvidence(EvidenceRecord(findingID: record.id, name: "heap", url: "http://10.0.0.1:6443/debug/pprof/heap",
                                                    fetchedMs: onset, httpStatus: 200, contentType: "application/octet-stream", data: profile))
        _ = try store.insertEvidence(EvidenceRecord(findingID: record.id, name: "goroutine", url: "http://10.0.0.1:6443/debug/pprof/goroutine",
                                                    fetchedMs: onset, httpStatus: 404, error: "HTTP 404", data: nil))
        try store.flush()

        let out = directory.appendingPathComponent("upgrade report.html")
        let model = try ReportFile.write(store: store, request: ReportRequest(), to: out)

        XCTAssertFalse(model.findingsReplayedOnly)
        XCTAssertEqual(model.findings.count, 1, "the recorded finding replaces the replayed one for its series")
        let finding = try XCTUnwrap(model.findings.first)
        XCTAssertEqual(finding.anchor, "F\(record.id)")
        XCTAssertEqual(finding.version, "v1.31.2")
        XCTAssertEqual(finding.evidence.map(\.name), ["heap", "goroutine"])
        let href = try XCTUnwrap(finding.evidence[0].href)
        XCTAssertEqual(href, "upgrade%20report-evidence/finding-\(record.id)-heap-1.pb.gz")
        let written = directory.appendingPathComponent("upgrade report-evidence/finding-\(record.id)-heap-1.pb.gz")
        XCTAssertEqual(try Data(contentsOf: written), Data(profile))
        XCTAssertNil(finding.evidence[1].href)
        XCTAssertEqual(finding.evidence[1].note, "HTTP 404")
        let html = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(html.contains("<a href=\"\(href)\">heap</a>"))
        try store.close()
    }

    func testRecordedFindingShowsWhatGrewSinceTheBaselineBeforeItsOnset() throws {
        let directory = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SeriesStore(path: directory.appendingPathComponent("soak.db").path)
        try ReportFixtures.fill(store)
        let key = SeriesKey(metric: "go_goroutines", labels: [Label("job", "apiserver"), Label("instance", "10.0.0.1:6443")])
        let onset = ReportFixtures.startMs + 2 * 3_600_000
        let record = try store.insertFinding(FindingRecord(
            series: key, resource: .goroutines, state: .firing, onsetMs: onset, firstAlertMs: onset + 3_600_000,
            judgedMs: onset + 9 * 3_600_000, slopePerHour: 40, growthPercentPerHour: 4, leastSquaresSlopePerHour: 40,
            confidence: 0.999, exhaustionMs: nil, version: nil, dedupeKey: "k2", lastNotifiedMs: onset))
        func dump(watchers: Int) -> [UInt8] {
            Array("""
                goroutine profile: total \(watchers + 2)
                \(watchers) @ 0x43ef76 0x44ee1c 0xb41477 0x470541
                #\t0x43ef75\tinternal/poll.runtime_pollWait+0x88\truntime/netpoll.go:305
                #\t0xb41476\texample.com/<b>app</b>/watch.(*stream).sendLoop+0xd6\texample.com/app/watch/stream.go:235

                2 @ 0x40e8f4 0x46c92f 0x76e5d9 0x470541
                #\t0x46c92e\tos/signal.signal_recv+0x2e\truntime/sigqueue.go:152
                #\t0x76e5d8\tos/signal.loop+0x18\t\tos/signal/signal_unix.go:23

                """.utf8)
        }
        let url = "http://10.0.0.1:6443/debug/pprof/goroutine?debug=1"
        // Baselines: one before the onset (the one to use) and one after it.
        let early = try store.insertEvidence(EvidenceRecord(findingID: EvidenceRecord.baselineFindingID, name: "goroutine", url: url,
                                                            fetchedMs: onset - 600_000, httpStatus: 200, data: dump(watchers: 10)))
        _ = try store.insertEvidence(EvidenceRecord(findingID: EvidenceRecord.baselineFindingID, name: "goroutine", url: url,
                                                    fetchedMs: onset + 600_000, httpStatus: 200, data: dump(watchers: 30)))
        _ = try store.insertEvidence(EvidenceRecord(findingID: record.id, name: "goroutine", url: url,
                                                    fetchedMs: onset + 3_600_000, httpStatus: 200, data: dump(watchers: 110)))
        try store.flush()

        let out = directory.appendingPathComponent("report.html")
        let model = try ReportFile.write(store: store, request: ReportRequest(), to: out)

        let finding = try XCTUnwrap(model.findings.first { $0.anchor == "F\(record.id)" })
        let cause = try XCTUnwrap(finding.rootCauses.first)
        XCTAssertEqual(cause.baselineID, early.id, "the newest baseline from before the onset")
        XCTAssertFalse(cause.baselineAfterOnset)
        let top = try XCTUnwrap(cause.diff?.stacks.first)
        XCTAssertEqual(top.before, 10)
        XCTAssertEqual(top.after, 110)
        XCTAssertEqual(top.delta, 100)
        let html = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(html.contains("What grew since the baseline"), "the root-cause table is on the page")
        XCTAssertTrue(html.contains("example.com/&lt;b&gt;app&lt;/b&gt;/watch.(*stream).sendLoop"), "the application frame, escaped")
        XCTAssertFalse(html.contains("<b>app</b>"), "a frame name is text, never markup")
        XCTAssertTrue(html.contains("<td>+100</td>"), "the stack's growth in goroutines")
        try store.close()
    }

    func testReplayMarksRestartsAndVersionChangesAsSegmentBoundaries() {
        var times: [Int64] = []
        var values: [Double] = []
        for i in 0..<2880 {
            times.append(ReportFixtures.startMs + Int64(i) * 30_000)
            values.append(100 + Double(i % 7))
        }
        let restartMs = ReportFixtures.startMs + 6 * 3_600_000
        let replay = JudgedLevelReplay(
            timestampsMs: times, values: values, resource: .fileDescriptors, configuration: DetectorConfiguration(),
            breaks: [.init(timestampMs: restartMs, reason: .restart), .init(timestampMs: restartMs + 3_600_000, reason: .versionChange, version: "v2")])
        XCTAssertEqual(replay.boundaries.map(\.reason), [.firstSample, .restart, .versionChange])
        XCTAssertEqual(replay.boundaries[1].timestampMs, restartMs)
        XCTAssertEqual(replay.boundaries[2].version, "v2")
        XCTAssertTrue(replay.episodes.isEmpty)
        XCTAssertEqual(replay.finalVerdict, .ok)
        // Counts are judged on bucket means: 10 buckets of 5 min per segment hour.
        XCTAssertEqual(Double(replay.levels.count), Double(24 * 12 - 3), accuracy: 3)
        XCTAssertEqual(replay.levels.reduce(0, +) / Double(replay.levels.count), 103, accuracy: 0.5)
    }
}
