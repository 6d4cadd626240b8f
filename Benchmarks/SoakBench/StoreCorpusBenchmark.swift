#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import Foundation
import MetricsScrape
import SeriesStore
import SoakModel

/// `SoakBench store corpus`: the realistic corpus (`StoreCorpus`) imported by the release
/// `soak import` as a child process, checkpointed (by `close()`) and vacuumed; bytes per sample
/// for the whole file and per table (SQLite's `dbstat`), the import's samples per CPU second and
/// peak RSS, the store alone (appends and flushes of the parsed samples, one thread), and
/// Prometheus' `promtool tsdb create-blocks-from openmetrics` on the same file as the peer.
/// `--soak PATH` imports with another `soak` build (e.g. the previous release, for before/after).
func benchStoreCorpus(directory: String, arguments: [String]) throws {
    print("machine: \(machineDescription())")
    let corpusPath = directory + "/corpus.om"
    let bytes = try StoreCorpus.write(to: corpusPath)
    let samples = StoreCorpus.samples
    print("realistic corpus: \(StoreCorpus.series) series (84 gauges printed at 6 significant digits, 56 Poisson counters, "
          + "28 Poisson gauges, 84 constants), 36 h at 30 s = \(samples) samples, \(bytes) bytes of OpenMetrics")

    let soak = option("--soak", in: arguments) ?? siblingExecutable("soak")
    print("importer: \(soak)")
    let databasePath = directory + "/corpus.db"
    let run = try MeasuredChildRun.run(soak, ["import", "--db", databasePath, corpusPath])
    guard run.exitStatus == 0 else { throw BenchError("soak import failed (\(run.exitStatus)): \(run.output)") }
    report("soak import, whole process (CPU)", Double(samples) / run.cpuSeconds, "samples/s", target: 3_000_000)
    report("  same, wall clock", Double(samples) / run.wallSeconds, "samples/s")
    report("  peak RSS of soak import", run.maxRSSBytes / 1_048_576, "MiB", higherIsBetter: false)

    let breakdown = try vacuumAndMeasure(databasePath)
    let perSample = Double(breakdown.fileBytes) / Double(samples)
    print("file after import (close(): flush + WAL checkpoint) and VACUUM: \(breakdown.fileBytes) bytes")
    report("on-disk bytes/sample, realistic corpus (whole file)", perSample, "B", target: 1.0,
           peer: (name: "Prometheus TSDB (issue 19)", value: 1.93), higherIsBetter: false)
    report("on-disk bytes/sample, realistic corpus (whole file)", perSample, "B", target: 1.0,
           peer: (name: "VictoriaMetrics (issue 19)", value: 1.08), higherIsBetter: false)
    for (name, pageBytes) in breakdown.byObject.sorted(by: { $0.value > $1.value }) where pageBytes > 0 {
        report("  \(name) (pages)", Double(pageBytes) / Double(samples), "B", higherIsBetter: false)
    }
    for (name, payload) in breakdown.payloads.sorted(by: { $0.key < $1.key }) {
        report("  \(name) payload (length(data))", Double(payload) / Double(samples), "B", higherIsBetter: false)
    }
    for (encoding, count) in breakdown.chunkEncodings.sorted(by: { $0.key < $1.key }) {
        print("  chunks in encoding \(encoding): \(count)")
    }
    try promtoolPeer(corpusPath: corpusPath, directory: directory, samples: samples, ours: perSample)
    try benchStoreAlone(corpusPath: corpusPath, directory: directory)
}

/// Sizes after `VACUUM`, whole file and per table/index from `dbstat`.
private struct StoreBreakdown {
    var fileBytes = 0
    var byObject: [String: Int] = [:]
    var payloads: [String: Int] = [:]
    var chunkEncodings: [Int: Int] = [:]
}

private func vacuumAndMeasure(_ path: String) throws -> StoreBreakdown {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
        sqlite3_close(db)
        throw BenchError("cannot open \(path)")
    }
    defer { sqlite3_close(db) }
    func rows(_ sql: String) throws -> [[String]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var out: [[String]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            out.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
            })
        }
        return out
    }
    _ = try rows("VACUUM")
    _ = try rows("PRAGMA wal_checkpoint(TRUNCATE)")
    var breakdown = StoreBreakdown()
    for row in try rows("SELECT name, sum(pgsize) FROM dbstat GROUP BY name") {
        breakdown.byObject[row[0]] = Int(row[1]) ?? 0
    }
    for table in ["chunk", "rollup_chunk", "head_chunk"] {
        breakdown.payloads[table] = Int(try rows("SELECT coalesce(sum(length(data)), 0) FROM \(table)").first?[0] ?? "0") ?? 0
    }
    for row in try rows("SELECT unicode(substr(data, 1, 1)), count(*) FROM chunk GROUP BY 1") {
        breakdown.chunkEncodings[Int(row[0]) ?? -1] = Int(row[1]) ?? 0
    }
    for suffix in ["", "-wal"] {
        var info = stat()
        if stat(path + suffix, &info) == 0 { breakdown.fileBytes += Int(info.st_size) }
    }
    return breakdown
}

/// Prometheus 2.42's TSDB on the same file: `promtool tsdb create-blocks-from openmetrics`.
private func promtoolPeer(corpusPath: String, directory: String, samples: Int, ours: Double) throws {
    guard access("/usr/bin/promtool", X_OK) == 0 else {
        print("promtool not installed: Prometheus peer skipped")
        return
    }
    let blocks = directory + "/promtool-blocks"
    let run = try MeasuredChildRun.run("/usr/bin/promtool", ["tsdb", "create-blocks-from", "openmetrics", corpusPath, blocks])
    guard run.exitStatus == 0 else {
        print("promtool failed (\(run.exitStatus)): \(run.output.prefix(400))")
        return
    }
    let size = directoryBytes(blocks)
    report("promtool create-blocks-from openmetrics (CPU)", Double(samples) / run.cpuSeconds, "samples/s")
    report("  Prometheus blocks on disk", Double(size) / Double(samples), "B/sample", higherIsBetter: false)
    report("  soak against Prometheus blocks, this run", ours, "B/sample",
           peer: (name: "Prometheus blocks", value: Double(size) / Double(samples)), higherIsBetter: false)
}

/// The store alone: the corpus parsed into memory first (not timed), then every sample appended
/// with the default flush interval and closed, on one thread: what the store costs per sample.
private func benchStoreAlone(corpusPath: String, directory: String) throws {
    guard let data = FileManager.default.contents(atPath: corpusPath) else { throw BenchError("cannot read \(corpusPath)") }
    var collector = CorpusCollector()
    try ExpositionParser(format: .openMetrics).parse([UInt8](data), into: &collector)
    let path = directory + "/corpus-store.db"
    let store = try SeriesStore(path: path)
    let ids = try collector.keys.map { try store.seriesID(for: $0) }
    let c0 = threadCPUSeconds()
    for index in collector.seriesIndex.indices {
        store.append(ids[Int(collector.seriesIndex[index])], timestampMs: collector.timestampsMs[index],
                     value: collector.values[index])
        try store.flushIfDue()
    }
    try store.close()
    let cpu = threadCPUSeconds() - c0
    report("store alone: append + flushes + close (CPU)", Double(collector.values.count) / cpu, "samples/s",
           target: 3_000_000)
}

/// Parsed samples as flat arrays, each sample naming its series by index.
private struct CorpusCollector: ExpositionVisitor {
    var keys: [SeriesKey] = []
    var seriesIndex: [Int32] = []
    var timestampsMs: [Int64] = []
    var values: [Double] = []
    private var lastName = ""
    private var lastLabels: [Label] = []

    mutating func visit(sample: SampleView) {
        let name = sample.name
        let labels = sample.labels.materialize()
        if keys.isEmpty || name != lastName || labels != lastLabels {
            keys.append(SeriesKey(metric: name, labels: labels))
            lastName = name
            lastLabels = labels
        }
        seriesIndex.append(Int32(keys.count - 1))
        timestampsMs.append(sample.timestampMs ?? 0)
        values.append(sample.value)
    }
}

/// The value after `name` in `arguments`, if any.
func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

private func directoryBytes(_ path: String) -> Int {
    guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
    var total = 0
    for case let name as String in enumerator {
        var info = stat()
        if stat(path + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int(info.st_size) }
    }
    return total
}
