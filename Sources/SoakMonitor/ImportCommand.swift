import SoakModel
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MetricsScrape
import SeriesStore

/// `soak import --db DB FILE`: loads an OpenMetrics backfill file into the store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an OpenMetrics file with timestamps (a backfill) into a SoakMonitor database.",
        discussion: """
            Reads the format `promtool tsdb create-blocks-from openmetrics` reads and `soak export` \
            writes: OpenMetrics 1.0 text whose samples carry timestamps, ending with `# EOF`.

            Samples older than what a series already holds are rejected and counted, repeats of \
            the last sample are dropped, so importing the same file twice adds nothing. The whole \
            file is checked before anything is stored: a file with an error imports nothing. It is \
            mapped into memory, not copied, and streamed into the store.

            Example:
              soak export --db old.db --match 'process_resident_memory_bytes{job="etcd"}' > rss.om
              soak import --db new.db rss.om
            """
    )

    @Option(help: "The SoakMonitor database file (created when missing).")
    var db: String

    @Argument(help: "OpenMetrics text file with a timestamp on every sample.")
    var file: String

    func run() throws {
        let input = try InputFailure.map(file)
        let parser = ExpositionParser(format: .openMetrics)
        // Pass 1 checks the whole file (the parser alone, hundreds of MB/s), so a broken file
        // stores nothing; pass 2 streams the samples into the store.
        var check = PageReleasingVisitor(inner: BackfillCheck(nowMs: Int64(Date().timeIntervalSince1970 * 1000)), input: input)
        do {
            try parser.parse(input.bytes, into: &check)
        } catch {
            throw InputFailure.report(["\(file):\(error.line):\(error.column): \(error.reason)"])
        }
        // Nothing is stored from a file with bad samples: refuse it whole, every problem with its line.
        let checked = check.inner
        var problems = checked.problems.prefix(20).map { "\(file):\($0.line): \($0.message)" }
        if checked.problems.count > 20 { problems.append("\(file): … \(checked.problems.count - 20) more problems") }
        if checked.samples == 0 { problems.append("\(file): no samples") }
        if !problems.isEmpty { throw InputFailure.report(problems) }
        let store = try SeriesStore(path: db)
        var importer = PageReleasingVisitor(inner: StoreImporter(store: store), input: input)
        do {
            try parser.parse(input.bytes, into: &importer)
        } catch {
            throw InputFailure.report(["\(file):\(error.line):\(error.column): \(error.reason)"])
        }
        if let failure = importer.inner.failure { throw failure }
        try store.close()
        let stats = store.stats
        var line = "imported \(stats.appended) samples into \(db) (\(store.seriesCount) series in the database)"
        let skipped = [("duplicates dropped", stats.duplicatesDropped),
                       ("conflicting duplicates rejected", stats.conflictingDuplicatesRejected),
                       ("out-of-order rejected", stats.outOfOrderRejected)].filter { $0.1 > 0 }
        if !skipped.isEmpty { line += "; " + skipped.map { "\($0.1) \($0.0)" }.joined(separator: ", ") }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Appends each visited sample to the store. Consecutive samples of one series (an export's
/// layout) are recognised by their series text, byte for byte, without building a key; only a
/// change of series looks the key up.
private struct StoreImporter: ExpositionVisitor {
    let store: SeriesStore
    /// The first store error (flush); nothing is appended after it.
    var failure: Error?
    private var previousText: [UInt8] = []
    private var previousID: SeriesID?
    /// Samples since the last `flushIfDue` (which reads the clock: not once per sample).
    private var sinceFlushCheck = 0

    init(store: SeriesStore) {
        self.store = store
    }

    mutating func visit(family: FamilyView) {
        // An untyped family without help or unit says nothing beyond its samples: not stored, so
        // that exporting again gives the text that was imported.
        guard family.type != .unknown || family.help != nil || family.unit != nil else { return }
        store.setMetricFamily(StoredMetricFamily(name: family.name, type: family.type.rawValue,
                                                 help: family.help, unit: family.unit))
    }

    mutating func visit(sample: SampleView) {
        guard failure == nil else { return }
        // `BackfillCheck` refused files with a sample without a timestamp before this pass.
        guard let timestampMs = sample.timestampMs else { return }
        // The series text: from the name to the end of the last label value.
        let name = sample.nameBytes
        let labels = sample.labels
        let end = labels.count > 0 ? labels.rawValueBytes(at: labels.count - 1).baseAddress! + labels.rawValueBytes(at: labels.count - 1).count
            : name.baseAddress! + name.count
        let text = UnsafeRawBufferPointer(start: name.baseAddress!, count: end - name.baseAddress!)
        do {
            let id: SeriesID
            if let previousID, Self.same(text, previousText) {
                id = previousID
            } else {
                id = try store.seriesID(for: SeriesKey(metric: sample.name,
                                                       labels: labels.materialize()))
                previousText.removeAll(keepingCapacity: true)
                previousText.append(contentsOf: text)
                previousID = id
            }
            store.append(id, timestampMs: timestampMs, value: sample.value)
            sinceFlushCheck += 1
            if sinceFlushCheck == 4_096 {
                sinceFlushCheck = 0
                try store.flushIfDue()
            }
        } catch {
            failure = error
        }
    }

    @inline(__always)
    private static func same(_ text: UnsafeRawBufferPointer, _ previous: [UInt8]) -> Bool {
        guard text.count == previous.count else { return false }
        return previous.withUnsafeBytes { memcmp($0.baseAddress!, text.baseAddress!, text.count) == 0 }
    }
}

/// What `soak import` refuses before storing anything, found in one pass with each sample's
/// line: a sample without a timestamp (a backfill file must say when), a timestamp before 1970
/// or more than ``ScrapeResult/futureToleranceMs`` after now (the parser clamps absurd values
/// such as 1e30 to the Int64 range; stored, they would make later samples out of order for
/// ever), and a label value over ``maxLabelValueBytes``.
struct BackfillCheck: ExpositionVisitor {
    /// 64 KiB: label values up to this size round-trip exactly; larger ones are not identities.
    static let maxLabelValueBytes = 65_536

    let nowMs: Int64
    var samples = 0
    var problems: [(line: Int, message: String)] = []

    init(nowMs: Int64) { self.nowMs = nowMs }

    mutating func visit(sample: SampleView) {
        samples += 1
        guard let timestampMs = sample.timestampMs else {
            problems.append((sample.line, "sample has no timestamp; a backfill file needs one on every sample"))
            return
        }
        if timestampMs < 0 || timestampMs > nowMs + ScrapeResult.futureToleranceMs {
            problems.append((sample.line, "timestamp \(Double(timestampMs) / 1000) s is out of range (1970 to now + \(ScrapeResult.futureToleranceMs / 60_000) min)"))
        }
        let labels = sample.labels
        // The raw (escaped) bytes are never shorter than the value: only long ones are decoded.
        for index in 0..<labels.count where labels.rawValueBytes(at: index).count > Self.maxLabelValueBytes
            && labels.value(at: index).utf8.count > Self.maxLabelValueBytes {
            problems.append((sample.line, "label \(labels.name(at: index)) has a value of \(labels.value(at: index).utf8.count) bytes (at most \(Self.maxLabelValueBytes))"))
        }
    }
}
