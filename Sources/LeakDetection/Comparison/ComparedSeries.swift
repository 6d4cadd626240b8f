import SoakModel

/// One series of one side of a version comparison: its samples in time order and what the
/// caller knows about it (the version it ran, its limit, when it restarted).
///
/// The store, a backfill file or a test builds these; the comparison itself never reads a store.
public struct ComparedSeries: Sendable {
    /// Metric name and labels. Series of the two sides are matched on the name and the labels
    /// left after ``ComparisonSettings/ignoredLabels`` are removed.
    public var key: SeriesKey
    /// Sample times, ms since the epoch, ascending.
    public var timestampsMs: [Int64]
    /// Sample values, parallel to ``timestampsMs``.
    public var values: [Double]
    /// The component's version while these samples were taken, if known.
    public var version: String?
    /// The value the resource cannot exceed (`process_max_fds`, a memory limit), if known.
    public var limit: Double?
    /// Restarts the caller saw (`process_start_time_seconds` changed), ms since the epoch.
    /// Restarts the values show (a collapse below half the last floor) are found without this.
    public var restartTimesMs: [Int64]

    /// A series from parallel arrays of times and values.
    public init(key: SeriesKey, timestampsMs: [Int64], values: [Double], version: String? = nil,
                limit: Double? = nil, restartTimesMs: [Int64] = []) {
        precondition(timestampsMs.count == values.count)
        self.key = key
        self.timestampsMs = timestampsMs
        self.values = values
        self.version = version
        self.limit = limit
        self.restartTimesMs = restartTimesMs
    }
}
