import Foundation
import LeakDetection
import MetricsScrape
import SeriesStore
import SoakDaemon
import SoakModel

/// The file side of `soak compare`: an OpenMetrics backfill file (every sample timestamped, as
/// `soak export` and promtool write it) read into compared series. The version is the one the
/// file's info metrics announce (etcd_server_version, kubernetes_build_info, go_info …).
enum BackfillSeries {
    static func read(_ path: String, selectors: [SeriesSelector], settings: ComparisonSettings) throws -> [ComparedSeries] {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw CompareInputError("cannot read \(path): \(error.localizedDescription)")
        }
        let parsed: ParsedExposition
        do { parsed = try ExpositionParser.parse(bytes, format: .openMetrics) } catch {
            throw CompareInputError("\(path):\(error.line):\(error.column): \(error.reason)")
        }
        var order: [SeriesKey] = []
        var byKey: [SeriesKey: RecordedSeries] = [:]
        for (i, sample) in parsed.samples.enumerated() {
            guard let timestampMs = sample.timestampMs else {
                throw CompareInputError("\(path): sample \(i + 1) (\(sample.name)) has no timestamp; a backfill file needs one on every sample")
            }
            let key = SeriesKey(metric: sample.name, labels: sample.labels)
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = RecordedSeries(key: key, timestampsMs: [], values: [])
            }
            byKey[key]!.timestampsMs.append(timestampMs)
            byKey[key]!.values.append(sample.value)
        }
        var recorded = order.map { byKey[$0]! }
        for i in recorded.indices {
            // Time order within a series (a file may interleave); duplicates keep the last.
            let series = recorded[i]
            let indices = series.timestampsMs.indices.sorted { series.timestampsMs[$0] < series.timestampsMs[$1] }
            recorded[i].timestampsMs = indices.map { series.timestampsMs[$0] }
            recorded[i].values = indices.map { series.values[$0] }
        }
        if !selectors.isEmpty {
            recorded = recorded.filter { series in
                selectors.contains { $0.matches(series.key) } || settings.classifier.isLimitMetric(series.key.metric)
                    || series.key.metric == DetectorBank.startTimeMetric
            }
        }
        let version = ComponentVersion.version(in: parsed.samples)
        let compared = RecordedSeries.compared(recorded, version: version, settings: settings)
        guard !compared.isEmpty else { throw CompareInputError("\(path): no matching memory, fd, goroutine or thread series") }
        return compared
    }
}
