/// One label of a stored series. (SeriesStore imports nothing but SQLite, so it has its own
/// label type; `MetricsScrape.Label` converts with `SeriesLabel(label.name, label.value)`.)
public struct SeriesLabel: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: SeriesLabel, rhs: SeriesLabel) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// What identifies a series: metric name plus its canonical label set.
///
/// Canonical means sorted by label name (then value) with empty-valued labels removed, because
/// Prometheus treats `{a=""}` as "no label a": two expositions that differ only in label order
/// or empty labels are the same series.
public struct SeriesKey: Hashable, Sendable, CustomStringConvertible {
    public let metric: String
    public let labels: [SeriesLabel]

    public init(metric: String, labels: [SeriesLabel] = []) {
        self.metric = metric
        var canonical = labels.filter { !$0.value.isEmpty }
        if !canonical.isSorted() { canonical.sort() }
        self.labels = canonical
    }

    /// The value of label `name`, or "" when absent (Prometheus' matching semantics).
    public func value(of name: String) -> String {
        if name == "__name__" { return metric }
        return labels.first { $0.name == name }?.value ?? ""
    }

    /// `metric{a="1",b="2"}` with OpenMetrics escaping (`\\`, `\"`, `\n`).
    public var description: String {
        labels.isEmpty ? metric : metric + "{" + LabelText.encode(labels) + "}"
    }
}

/// The stable id of a stored series: the `series.id` row id, assigned once and never reused.
public struct SeriesID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: SeriesID, rhs: SeriesID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A series as selection returns it: id and key.
public struct SeriesRef: Hashable, Sendable {
    public let id: SeriesID
    public let key: SeriesKey
}

extension Array where Element: Comparable {
    fileprivate func isSorted() -> Bool {
        var index = 1
        while index < count {
            if self[index] < self[index - 1] { return false }
            index += 1
        }
        return true
    }
}
