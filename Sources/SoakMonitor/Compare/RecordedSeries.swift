import LeakDetection
import SoakModel

/// A series as read from a store or a backfill file, before it becomes a `ComparedSeries`: the
/// limit (`process_max_fds` …) and restarts (`process_start_time_seconds` changes) of a
/// compared series come from its sibling series with the same labels.
struct RecordedSeries {
    var key: SeriesKey
    var timestampsMs: [Int64]
    var values: [Double]

    /// The compared series among `recorded` (known resource metrics, or all with `includesUnclassified`),
    /// each with its limit and restarts from its siblings and the side's `version`.
    static func compared(_ recorded: [RecordedSeries], version: String?, settings: ComparisonSettings) -> [ComparedSeries] {
        var byKey: [SeriesKey: RecordedSeries] = [:]
        for series in recorded { byKey[series.key] = series }
        return recorded.compactMap { series in
            guard !series.timestampsMs.isEmpty else { return nil }
            let name = series.key.metric
            let known = settings.classifier.kind(of: name) != nil
            guard known || (settings.includesUnclassified && !settings.classifier.isLimitMetric(name)
                            && name != DetectorBank.startTimeMetric) else { return nil }
            let limit = settings.classifier.limitMetric(for: name)
                .flatMap { byKey[SeriesKey(metric: $0, labels: series.key.labels)]?.values.last }
            var restarts: [Int64] = []
            if let start = byKey[SeriesKey(metric: DetectorBank.startTimeMetric, labels: series.key.labels)] {
                for i in start.values.indices.dropFirst() where start.values[i] != start.values[i - 1] {
                    restarts.append(start.timestampsMs[i])
                }
            }
            return ComparedSeries(key: series.key,
                                  timestampsMs: series.timestampsMs, values: series.values, version: version,
                                  limit: limit, restartTimesMs: restarts)
        }
    }
}
