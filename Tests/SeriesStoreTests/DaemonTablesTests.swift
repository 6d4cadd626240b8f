import XCTest
@testable import SeriesStore

/// Schema version 2: the alert outbox and the findings, and the migration of a version-1 file.
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
        XCTAssertEqual(try raw(path).scalarInt("PRAGMA user_version"), 2)
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
        let first = try store!.insertOutbox(receiver: "am", dedupeKey: "k", alertState: "firing", payload: Array("{}".utf8), createdMs: 10)
        let second = try store!.insertOutbox(receiver: "hook", dedupeKey: "k\"'; DROP TABLE outbox; --", alertState: "firing",
                                             payload: [0, 1, 2], createdMs: 11)
        try store!.markOutboxAttempt(id: second.id, nextAttemptMs: 99, lastError: "connection refused")
        try store!.markOutboxDelivered(id: first.id, atMs: 20)
        try store!.close()
        store = try SeriesStore(path: path)  // what a restart sees
        let pending = try store!.pendingOutbox()
        XCTAssertEqual(pending, [OutboxRow(id: second.id, receiver: "hook", dedupeKey: "k\"'; DROP TABLE outbox; --", alertState: "firing",
                                           payload: [0, 1, 2], createdMs: 11, attempts: 1, nextAttemptMs: 99,
                                           lastError: "connection refused")])
        XCTAssertEqual(try store!.removeFinishedOutbox(beforeMs: 21), 1)
        try store!.markOutboxRejected(id: second.id, atMs: 30, lastError: "400 bad request")
        XCTAssertEqual(try store!.removeFinishedOutbox(beforeMs: 31), 1)
        let third = try store!.insertOutbox(receiver: "am", dedupeKey: "k", alertState: "resolved", payload: [], createdMs: 40)
        XCTAssertGreaterThan(third.id, second.id, "AUTOINCREMENT: an id is never reused after the highest row is deleted")
        XCTAssertEqual(try store!.allOutbox().map(\.payload), [[]])
    }

    func testFindingsRoundTripAndUpdate() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let store = try SeriesStore(path: dir.path("findings.db"))
        let key = SeriesKey(metric: "process_open_fds", labels: [SeriesLabel("job", "etcd"), SeriesLabel("instance", "10.0.0.1:2381")])
        var record = try store.insertFinding(FindingRecord(
            series: key, resource: "fds", state: "firing", onsetMs: 1_000, firstAlertMs: 2_000, judgedMs: 2_000,
            slopePerHour: 12, growthPercentPerHour: 3.5, leastSquaresSlopePerHour: 11.5, confidence: 0.99,
            exhaustionMs: 90_000, version: "3.5.1", dedupeKey: "abc", lastNotifiedMs: 2_000))
        XCTAssertEqual(record.id, 1)
        XCTAssertEqual(try store.findings(state: "firing"), [record])
        record.state = "resolved"
        record.resolvedMs = 5_000
        record.exhaustionMs = nil
        try store.updateFinding(record)
        XCTAssertEqual(try store.findings(state: "firing"), [])
        XCTAssertEqual(try store.finding(id: 1), record)
        XCTAssertThrowsError(try store.insertFinding(record), "the dedupe key is unique")
    }
}
