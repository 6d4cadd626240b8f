import MonitorState
import SoakModel
import XCTest
@testable import SeriesStore

/// Schema versions 2 and 3: the alert outbox, the findings and their evidence, and the migration
/// of older files.
final class DaemonTablesTests: XCTestCase {
    private func raw(_ path: String) throws -> Database {
        try Database(path: path, readOnly: false, busyTimeoutMs: 100)
    }

    func testVersionOneFileGainsTheTablesAndKeepsItsSamples() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("v1.db")
        let database = try raw(path)
        try Schema.migrate(database, upTo: 1)
        try database.execute("INSERT INTO series (id, metric, labels) VALUES (1, 'up', 'job=\"a\"')")
        try database.execute("INSERT INTO marker (kind, target, time_ms, detail) VALUES ('version_change', 'a/b', 5, 'v1')")
        let store = try SeriesStore(path: path)
        XCTAssertEqual(try raw(path).scalarInt("PRAGMA user_version"), Schema.currentVersion)
        XCTAssertEqual(store.series(matching: .metric("up")).count, 1)
        XCTAssertEqual(try store.markers(kind: .versionChange).map(\.detail), ["v1"])
        XCTAssertEqual(try store.pendingOutbox().count, 0)
        XCTAssertEqual(try store.findings().count, 0)
    }

    func testOutboxRowsKeepStateOrderAndNeverReuseIds() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("outbox.db")
        var store: SeriesStore? = try SeriesStore(path: path)
        let first = try store!.insertOutbox(receiver: "am", dedupeKey: "k", alertState: .firing, payload: Array("{}".utf8), createdMs: 10)
        let second = try store!.insertOutbox(receiver: "hook", dedupeKey: "k\"'; DROP TABLE outbox; --", alertState: .firing,
                                             payload: [0, 1, 2], createdMs: 11)
        try store!.markOutboxAttempt(id: second.id, nextAttemptMs: 99, lastError: "connection refused")
        try store!.markOutboxDelivered(id: first.id, atMs: 20)
        try store!.close()
        store = try SeriesStore(path: path)  // what a restart sees
        let pending = try store!.pendingOutbox()
        XCTAssertEqual(pending, [OutboxRow(id: second.id, receiver: "hook", dedupeKey: "k\"'; DROP TABLE outbox; --", alertState: .firing,
                                           payload: [0, 1, 2], createdMs: 11, attempts: 1, nextAttemptMs: 99,
                                           lastError: "connection refused")])
        XCTAssertEqual(try store!.removeFinishedOutbox(beforeMs: 21), 1)
        try store!.markOutboxRejected(id: second.id, atMs: 30, lastError: "400 bad request")
        XCTAssertEqual(try store!.removeFinishedOutbox(beforeMs: 31), 1)
        let third = try store!.insertOutbox(receiver: "am", dedupeKey: "k", alertState: .resolved, payload: [], createdMs: 40)
        XCTAssertGreaterThan(third.id, second.id, "AUTOINCREMENT: an id is never reused after the highest row is deleted")
        XCTAssertEqual(try store!.allOutbox().map(\.payload), [[]])
    }

    func testFindingsRoundTripAndUpdate() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("findings.db"))
        let key = SeriesKey(metric: "process_open_fds", labels: [Label("job", "etcd"), Label("instance", "10.0.0.1:2381")])
        var record = try store.insertFinding(FindingRecord(
            series: key, resource: .fileDescriptors, state: .firing, onsetMs: 1_000, firstAlertMs: 2_000, judgedMs: 2_000,
            slopePerHour: 12, growthPercentPerHour: 3.5, leastSquaresSlopePerHour: 11.5, confidence: 0.99,
            exhaustionMs: 90_000, version: "3.5.1", dedupeKey: "abc", lastNotifiedMs: 2_000))
        XCTAssertEqual(record.id, 1)
        XCTAssertEqual(try store.findings(state: .firing), [record])
        record.state = .resolved
        record.resolvedMs = 5_000
        record.exhaustionMs = nil
        try store.updateFinding(record)
        XCTAssertEqual(try store.findings(state: .firing), [])
        XCTAssertEqual(try store.finding(id: 1), record)
        XCTAssertThrowsError(try store.insertFinding(record), "the dedupe key is unique")
    }

    func testVersionTwoFileGainsEvidenceAndKeepsItsFindings() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("v2.db")
        let database = try raw(path)
        try Schema.migrate(database, upTo: 2)
        try database.execute("""
            INSERT INTO finding (metric, labels, resource, state, onset_ms, first_alert_ms, judged_ms, slope_per_hour, \
            growth_percent_per_hour, least_squares_slope_per_hour, confidence, dedupe_key, last_notified_ms) \
            VALUES ('go_goroutines', 'job="a"', 'goroutines', 'firing', 1, 2, 2, 1, 1, 1, 0.9, 'k', 2)
            """)
        let store = try SeriesStore(path: path)
        XCTAssertEqual(try raw(path).scalarInt("PRAGMA user_version"), Schema.currentVersion)
        XCTAssertEqual(try store.findings().map(\.dedupeKey), ["k"])
        XCTAssertEqual(try store.evidence(), [])
    }

    /// Bodies are stored bit-exactly and only read by id; a failed fetch is a row without data;
    /// retention drops evidence with the raw samples of its time.
    func testEvidenceRoundTripListingAndRetention() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let hour: Int64 = 3_600_000
        var configuration = StoreConfiguration()
        configuration.rawRetentionMs = 24 * hour
        let path = dir.path("evidence.db")
        var store: SeriesStore? = try SeriesStore(path: path, configuration: configuration)
        let profile: [UInt8] = [0x1f, 0x8b, 0, 0xff] + Array(repeating: 7, count: 100_000)
        let heap = try store!.insertEvidence(EvidenceRecord(
            findingID: 4, name: "heap", url: "https://10.0.0.1:6443/debug/pprof/heap", fetchedMs: 10 * hour, httpStatus: 200,
            contentType: "application/octet-stream", data: profile))
        let failed = try store!.insertEvidence(EvidenceRecord(
            findingID: 4, name: "goroutine'); DROP TABLE evidence; --", url: "https://10.0.0.1:6443/debug/pprof/goroutine?debug=1",
            fetchedMs: 30 * hour, httpStatus: 404, error: "HTTP 404", data: nil))
        _ = try store!.insertEvidence(EvidenceRecord(findingID: 5, name: "heap", url: "http://x/debug/pprof/heap",
                                                    fetchedMs: 30 * hour, httpStatus: 200, data: []))
        try store!.close()
        store = try SeriesStore(path: path, configuration: configuration)

        let listed = try store!.evidence(findingID: 4)
        XCTAssertEqual(listed.map(\.id), [heap.id, failed.id])
        XCTAssertEqual(listed.map(\.byteCount), [profile.count, 0])
        XCTAssertEqual(listed.map(\.data), [nil, nil], "listings carry no bodies")
        XCTAssertEqual(listed[1].name, "goroutine'); DROP TABLE evidence; --")
        XCTAssertEqual(listed[1].error, "HTTP 404")
        XCTAssertEqual(try store!.evidence(id: heap.id)?.data, profile)
        XCTAssertEqual(try store!.evidence(id: heap.id)?.contentType, "application/octet-stream")
        XCTAssertNil(try store!.evidence(id: failed.id)?.data)
        XCTAssertEqual(try store!.evidence().count, 3)
        XCTAssertNil(try store!.evidence(id: 999))

        let report = try store!.applyRetention(nowMs: 40 * hour)
        XCTAssertEqual(report.evidenceDropped, 1, "the 30-hour-old heap profile is past the 24-hour raw retention")
        XCTAssertEqual(try store!.evidence().map(\.id), [failed.id, failed.id + 1])
    }
}
