import SoakModel
import ArgumentParser
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
            the last sample are dropped, so importing the same file twice adds nothing. The file \
            is read whole into memory.

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
        let bytes = try InputFailure.read(file)
        let parsed: ParsedExposition
        var check = BackfillCheck(nowMs: Int64(Date().timeIntervalSince1970 * 1000))
        do {
            try ExpositionParser(format: .openMetrics).parse(bytes, into: &check)
            parsed = try ExpositionParser.parse(bytes, format: .openMetrics)
        } catch {
            throw InputFailure.report(["\(file):\(error.line):\(error.column): \(error.reason)"])
        }
        // Nothing is stored from a file with bad samples: refuse it whole, every problem with its line.
        var problems = check.problems.prefix(20).map { "\(file):\($0.line): \($0.message)" }
        if check.problems.count > 20 { problems.append("\(file): … \(check.problems.count - 20) more problems") }
        if check.samples == 0 { problems.append("\(file): no samples") }
        if !problems.isEmpty { throw InputFailure.report(problems) }
        let store = try SeriesStore(path: db)
        // An untyped family without help or unit says nothing beyond its samples: not stored, so
        // that exporting again gives the text that was imported.
        for family in parsed.families where family.type != .unknown || family.help != nil || family.unit != nil {
            store.setMetricFamily(StoredMetricFamily(name: family.name, type: family.type.rawValue,
                                                     help: family.help, unit: family.unit))
        }
        var withoutTimestamp = 0
        // Consecutive samples are usually the same series: skip the key hash for them.
        var previous: (name: String, labels: [Label], id: SeriesID)?
        for sample in parsed.samples {
            guard let timestampMs = sample.timestampMs else {
                withoutTimestamp += 1
                continue
            }
            let id: SeriesID
            if let previous, previous.name == sample.name, previous.labels == sample.labels {
                id = previous.id
            } else {
                id = try store.seriesID(for: SeriesKey(metric: sample.name,
                                                       labels: sample.labels.map { Label($0.name, $0.value) }))
                previous = (sample.name, sample.labels, id)
            }
            store.append(id, timestampMs: timestampMs, value: sample.value)
            try store.flushIfDue()
        }
        try store.close()
        let stats = store.stats
        var line = "imported \(stats.appended) samples into \(db) (\(store.seriesCount) series in the database)"
        let skipped = [("duplicates dropped", stats.duplicatesDropped),
                       ("conflicting duplicates rejected", stats.conflictingDuplicatesRejected),
                       ("out-of-order rejected", stats.outOfOrderRejected),
                       ("without timestamp skipped", withoutTimestamp)].filter { $0.1 > 0 }
        if !skipped.isEmpty { line += "; " + skipped.map { "\($0.1) \($0.0)" }.joined(separator: ", ") }
        FileHandle.standardError.write(Data((line + "\n").utf8))
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
        for index in 0..<labels.count where labels.value(at: index).utf8.count > Self.maxLabelValueBytes {
            problems.append((sample.line, "label \(labels.name(at: index)) has a value of \(labels.value(at: index).utf8.count) bytes (at most \(Self.maxLabelValueBytes))"))
        }
    }
}
