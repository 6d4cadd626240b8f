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
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw ValidationError("cannot read \(file): \(error.localizedDescription)")
        }
        let parsed: ParsedExposition
        do {
            parsed = try ExpositionParser.parse(bytes, format: .openMetrics)
        } catch {
            throw ValidationError("\(file): \(error)")
        }
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
