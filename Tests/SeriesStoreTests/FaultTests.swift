import SoakModel
import Foundation
import XCTest
@testable import SeriesStore

/// Schema versions and file faults: clear errors naming the file, nothing committed lost.
final class FaultTests: XCTestCase {
    private func raw(_ path: String) throws -> Database {
        try Database(path: path, readOnly: false, busyTimeoutMs: 100)
    }

    func testVersionZeroFileMigratesToCurrentSchema() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("v0.db")
        // Version 0: an empty SQLite database (what `sqlite3 FILE ''` leaves).
        try raw(path).execute("PRAGMA user_version = 0")
        let store = try SeriesStore(path: path)
        try store.append(metric: "m", labels: [], timestampMs: 1, value: 1)
        try store.close()
        XCTAssertEqual(try raw(path).scalarInt("PRAGMA user_version"), Schema.currentVersion)
        XCTAssertEqual(try raw(path).scalarText("PRAGMA journal_mode"), "wal")
    }

    func testMigrationsRunOnlyAboveTheFilesVersion() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("m.db")
        let database = try raw(path)
        try Schema.migrate(database, upTo: 0)
        XCTAssertEqual(try database.scalarInt("PRAGMA user_version"), 0)
        XCTAssertEqual(try database.scalarInt("SELECT count(*) FROM sqlite_master"), 0)
        try Schema.migrate(database, upTo: 1)
        XCTAssertEqual(try database.scalarInt("PRAGMA user_version"), 1)
        try Schema.migrate(database)
        XCTAssertEqual(try database.scalarInt("PRAGMA user_version"), Schema.currentVersion)
        let tables = try database.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        try Schema.migrate(database)  // idempotent: nothing above the current version to run
        XCTAssertEqual(try database.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table'"), tables)
    }

    func testSomeOtherProgramsDatabaseIsNotTakenOver() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("other.db")
        try raw(path).execute("CREATE TABLE series (name TEXT)")
        XCTAssertThrowsError(try SeriesStore(path: path)) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .invalidArgument)
            XCTAssertTrue((error as? StoreError)?.message.contains("not a SoakMonitor database") == true, "\(error)")
        }
    }

    func testNewerSchemaIsRefusedWithAClearError() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("new.db")
        try SeriesStore(path: path).close()
        try raw(path).execute("PRAGMA user_version = 99")
        XCTAssertThrowsError(try SeriesStore(path: path)) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.kind, .schemaTooNew)
            XCTAssertTrue(storeError?.description.contains(path) == true, "\(error)")
            XCTAssertTrue(storeError?.message.contains("99") == true)
        }
    }

    func testGarbageFileIsReportedCorruptNamingTheFile() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("garbage.db")
        var rng = SeededGenerator(seed: 3)
        try Data((0..<8192).map { _ in UInt8(truncatingIfNeeded: rng.next()) }).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SeriesStore(path: path)) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.kind, .corrupt, "\(error)")
            XCTAssertEqual(storeError?.path, path)
            XCTAssertTrue(storeError?.description.contains(".recover") == true)
        }
    }

    func testDamagedChunkIsReportedCorruptOnRead() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("chunk.db")
        var config = StoreConfiguration()
        config.maxSamplesPerChunk = 10
        do {
            let store = try SeriesStore(path: path, configuration: config)
            for step in 0..<25 { try store.append(metric: "m", labels: [], timestampMs: Int64(step), value: Double(step) * 0.1) }
            try store.close()
        }
        try raw(path).execute("UPDATE chunk SET data = substr(data, 1, 4)")
        let store = try SeriesStore(path: path, configuration: config)
        XCTAssertThrowsError(try store.samples(of: try store.seriesID(for: SeriesKey(metric: "m")))) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .corrupt)
            XCTAssertEqual((error as? StoreError)?.path, path)
        }
    }

    func testReadOnlyStoreReadsButRefusesWrites() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("ro.db")
        do {
            let store = try SeriesStore(path: path)
            try store.append(metric: "m", labels: [], timestampMs: 1, value: 42)
            try store.close()
        }
        var config = StoreConfiguration()
        config.readOnly = true
        let store = try SeriesStore(path: path, configuration: config)
        XCTAssertEqual(try store.samples(matching: .metric("m")).first?.values, [42])
        XCTAssertThrowsError(try store.seriesID(for: SeriesKey(metric: "other"))) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .readOnly)
        }
        store.append(try XCTUnwrap(store.existingSeriesID(for: SeriesKey(metric: "m"))), timestampMs: 2, value: 43)
        XCTAssertThrowsError(try store.flush(), "a silent no-op would lose the sample unnoticed") { error in
            XCTAssertEqual((error as? StoreError)?.kind, .readOnly)
        }
    }

    func testWriteProtectedFileIsReportedReadOnly() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("protected.db")
        try SeriesStore(path: path).close()
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        if getuid() == 0 {
            // root ignores file permissions; a read-only open of the same file stands in for it.
            var config = StoreConfiguration()
            config.readOnly = true
            let store = try SeriesStore(path: path, configuration: config)
            XCTAssertThrowsError(try store.append(metric: "m", labels: [], timestampMs: 1, value: 1)) { error in
                XCTAssertEqual((error as? StoreError)?.kind, .readOnly)
            }
            return
        }
        XCTAssertThrowsError(try SeriesStore(path: path)) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .readOnly, "\(error)")
            XCTAssertEqual((error as? StoreError)?.path, path)
        }
    }

    func testLockedDatabaseFailsTheFlushAndTheRetryLosesNothing() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("locked.db")
        var config = StoreConfiguration()
        config.busyTimeoutMs = 50
        let store = try SeriesStore(path: path, configuration: config)
        let id = try store.seriesID(for: SeriesKey(metric: "m"))
        for step in 0..<100 { store.append(id, timestampMs: Int64(step) * 1_000, value: Double(step)) }
        let other = try raw(path)
        try other.execute("BEGIN EXCLUSIVE")
        XCTAssertThrowsError(try store.flush()) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .locked, "\(error)")
            XCTAssertTrue((error as? StoreError)?.description.contains(path) == true)
        }
        for step in 100..<150 { store.append(id, timestampMs: Int64(step) * 1_000, value: Double(step)) }
        try other.execute("COMMIT")
        try store.close()
        let reopened = try SeriesStore(path: path)
        XCTAssertEqual(try reopened.samples(of: id).values, (0..<150).map(Double.init))
    }

    func testDiskFullFailsTheFlushAndTheRetryLosesNothing() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("full.db")
        var config = StoreConfiguration()
        config.maxPageCount = 27  // the empty schema (v3) takes 25 pages (of 16 KiB); the data needs 5 more
        config.maxSamplesPerChunk = 16
        let store = try SeriesStore(path: path, configuration: config)
        var rng = SeededGenerator(seed: 11)
        var expected: [SeriesKey: [Double]] = [:]
        for series in 0..<200 {
            let key = SeriesKey(metric: "m", labels: [Label("n", "\(series)")])
            let values = (0..<40).map { _ in Double(bitPattern: rng.next()) }
            expected[key] = values
            for (step, value) in values.enumerated() { try store.append(metric: key.metric, labels: key.labels, timestampMs: Int64(step), value: value) }
        }
        XCTAssertThrowsError(try store.flush()) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .diskFull, "\(error)")
        }
        XCTAssertEqual(try store.integrityCheck(), "ok")
        try store.setMaxPageCount(1_000_000)  // "space freed"
        try store.close()
        let reopened = try SeriesStore(path: path)
        XCTAssertEqual(reopened.seriesCount, 200)
        for (key, values) in expected {
            let samples = try reopened.samples(of: try reopened.seriesID(for: key))
            XCTAssertEqual(samples.values.map(\.bitPattern), values.map(\.bitPattern))
        }
    }

    func testASecondWriterIsRefusedUntilTheFirstCloses() throws {
        let dir = ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path("two.db")
        let first = try SeriesStore(path: path)
        try first.append(metric: "m", labels: [], timestampMs: 1, value: 1)
        XCTAssertThrowsError(try SeriesStore(path: path)) { error in
            XCTAssertEqual((error as? StoreError)?.kind, .locked, "\(error)")
            XCTAssertTrue((error as? StoreError)?.message.contains("writer.lock") == true)
        }
        var readOnly = StoreConfiguration()
        readOnly.readOnly = true
        XCTAssertNoThrow(try SeriesStore(path: path, configuration: readOnly), "readers take no lock")
        try first.close()
        let second = try SeriesStore(path: path)
        XCTAssertEqual(try second.samples(matching: .metric("m")).first?.values, [1])
        first.append(try XCTUnwrap(first.existingSeriesID(for: SeriesKey(metric: "m"))), timestampMs: 2, value: 2)
        XCTAssertThrowsError(try first.flush(), "a closed store no longer writes") { error in
            XCTAssertEqual((error as? StoreError)?.kind, .invalidArgument)
        }
    }
}
