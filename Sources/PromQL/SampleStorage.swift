import SoakModel

/// What the engine knows about why it selects, so storage can answer from a cheaper source
/// (SoakMonitor's store answers long `*_over_time` ranges from 5-minute rollups).
public struct SelectHints: Sendable, Hashable {
    /// The function the selection feeds (`rate`, `max_over_time`…), nil for a bare selector.
    public var function: String?
    /// The range of a range selector in milliseconds, 0 for an instant selector.
    public var rangeMs: Int64
    /// The evaluation step of the query in milliseconds (0 for instant queries).
    public var stepMs: Int64

    public init(function: String? = nil, rangeMs: Int64 = 0, stepMs: Int64 = 0) {
        self.function = function
        self.rangeMs = rangeMs
        self.stepMs = stepMs
    }
}

/// The engine's only view of stored data: select series by matchers over a time range.
///
/// Implementations return every series whose labels satisfy all matchers, with its points in
/// `[startMs, endMs]` ascending by time (staleness markers included, as stored), sorted by labels.
/// Series without points in the range may be omitted.
public protocol SampleStorage: Sendable {
    func select(_ matchers: [LabelMatcher], startMs: Int64, endMs: Int64, hints: SelectHints) throws(PromQLError) -> [Series]
}

/// A `SampleStorage` held in memory: the engine's tests (Prometheus' script runner) and small tools.
public struct MemoryStorage: SampleStorage {
    private var series: [Labels: [Point]] = [:]

    public init() {}

    /// Appends points to a series (points must be later than the series' last one to stay sorted;
    /// out-of-order points are sorted in, a duplicate timestamp replaces the value).
    public mutating func append(_ labels: Labels, _ points: [Point]) {
        var existing = series[labels, default: []]
        existing.append(contentsOf: points)
        existing.sort { $0.timestampMs < $1.timestampMs }
        var deduplicated: [Point] = []
        for point in existing {
            if let last = deduplicated.last, last.timestampMs == point.timestampMs {
                deduplicated[deduplicated.count - 1] = point
            } else {
                deduplicated.append(point)
            }
        }
        series[labels] = deduplicated
    }

    /// Every stored series' labels.
    public var allLabels: [Labels] { series.keys.sorted() }

    public func select(_ matchers: [LabelMatcher], startMs: Int64, endMs: Int64, hints: SelectHints) -> [Series] {
        var out: [Series] = []
        for (labels, points) in series where LabelMatcher.allMatch(matchers, match: labels) {
            let lower = points.partitioningIndex { $0.timestampMs >= startMs }
            let upper = points.partitioningIndex { $0.timestampMs > endMs }
            if lower < upper { out.append(Series(labels, Array(points[lower..<upper]))) }
        }
        return out.sorted { $0.labels < $1.labels }
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
