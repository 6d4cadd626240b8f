/// What `SeriesStore.append` did with a sample.
public enum AppendOutcome: Hashable, Sendable {
    /// Accepted into the series' head.
    case appended
    /// Same timestamp and bit-identical value as the last sample: dropped (a re-scrape of cached
    /// data or a re-imported file).
    case duplicate
    /// Same timestamp, different value: rejected, the first value wins (Prometheus'
    /// "duplicate sample for timestamp").
    case conflictingDuplicate
    /// Earlier than the last sample of its series: rejected (chunks only grow forward in time).
    case outOfOrder
}

/// Counts of samples the store did not append, since it was opened.
public struct IngestStats: Hashable, Sendable {
    public var appended = 0
    public var duplicatesDropped = 0
    public var conflictingDuplicatesRejected = 0
    public var outOfOrderRejected = 0

    public init() {}

    mutating func count(_ outcome: AppendOutcome) {
        switch outcome {
        case .appended: appended += 1
        case .duplicate: duplicatesDropped += 1
        case .conflictingDuplicate: conflictingDuplicatesRejected += 1
        case .outOfOrder: outOfOrderRejected += 1
        }
    }
}
