import LeakDetection

/// A series as read from a store or a backfill file, before it becomes a `ComparedSeries`: the
/// limit (`process_max_fds` …) and restarts (`process_start_time_seconds` changes) of a
/// compared series come from its sibling series with the same labels.
struct RecordedSeries {
    var name: String
    var labels: [String: String]
    var timestampsMs: [Int64]
    var values: [Double]

    /// The compared series among `recorded` (known resource metrics, or all with `includesUnclassified`),
    /// each with its limit and restarts from its siblings and the side's `version`.
    static func compared(_ recorded: [RecordedSeries], version: String?, settings: ComparisonSettings) -> [ComparedSeries] {
        var byKey: [String: RecordedSeries] = [:]
        for series in recorded { byKey[key(series.name, series.labels)] = series }
        return recorded.compactMap { series in
            guard !series.timestampsMs.isEmpty else { return nil }
            let known = settings.classifier.kind(of: series.name) != nil
            guard known || (settings.includesUnclassified && !settings.classifier.isLimitMetric(series.name)
                            && series.name != DetectorBank.startTimeMetric) else { return nil }
            let limit = settings.classifier.limitMetric(for: series.name)
                .flatMap { byKey[key($0, series.labels)]?.values.last }
            var restarts: [Int64] = []
            if let start = byKey[key(DetectorBank.startTimeMetric, series.labels)] {
                for i in start.values.indices.dropFirst() where start.values[i] != start.values[i - 1] {
                    restarts.append(start.timestampsMs[i])
                }
            }
            return ComparedSeries(key: LeakDetection.SeriesKey(name: series.name, labels: series.labels),
                                  timestampsMs: series.timestampsMs, values: series.values, version: version,
                                  limit: limit, restartTimesMs: restarts)
        }
    }

    private static func key(_ name: String, _ labels: [String: String]) -> String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}") + "}"
    }
}
