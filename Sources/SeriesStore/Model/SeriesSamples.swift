/// Raw samples of one series in time order, as parallel arrays (no per-sample object: a 30-day
/// series at 15 s is 172 800 samples).
public struct SeriesSamples: Sendable {
    public let series: SeriesRef
    public var timestampsMs: [Int64]
    public var values: [Double]

    public init(series: SeriesRef, timestampsMs: [Int64] = [], values: [Double] = []) {
        self.series = series
        self.timestampsMs = timestampsMs
        self.values = values
    }

    public var count: Int { timestampsMs.count }
}

/// Aggregates of a series over one time window: a 5-minute stored rollup, or a chart step.
/// NaN samples (including Prometheus' stale markers) are not counted.
public struct RollupBucket: Hashable, Sendable {
    public var startMs: Int64
    public var min: Double
    public var max: Double
    public var sum: Double
    public var count: Int

    public init(startMs: Int64, min: Double, max: Double, sum: Double, count: Int) {
        self.startMs = startMs
        self.min = min
        self.max = max
        self.sum = sum
        self.count = count
    }

    /// The arithmetic mean (sum / count).
    public var mean: Double { sum / Double(count) }

    /// Folds one value in; NaN is skipped.
    mutating func add(_ value: Double) {
        if value.isNaN { return }
        if count == 0 {
            min = value
            max = value
        } else {
            if value < min { min = value }
            if value > max { max = value }
        }
        sum += value
        count += 1
    }

    /// Folds another bucket's aggregates in.
    mutating func merge(_ other: RollupBucket) {
        guard other.count > 0 else { return }
        if count == 0 {
            min = other.min
            max = other.max
        } else {
            if other.min < min { min = other.min }
            if other.max > max { max = other.max }
        }
        sum += other.sum
        count += other.count
    }

    static func empty(at startMs: Int64) -> RollupBucket {
        RollupBucket(startMs: startMs, min: 0, max: 0, sum: 0, count: 0)
    }
}

/// The per-step aggregates of one series, for charts.
public struct SeriesRollups: Sendable {
    public let series: SeriesRef
    public var buckets: [RollupBucket]
}
