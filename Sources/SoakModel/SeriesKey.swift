/// What identifies a series: metric name plus its canonical label set.
///
/// Canonical means sorted by label name (then value) with empty-valued labels removed, because
/// Prometheus treats `{a=""}` as "no label a": two expositions that differ only in label order
/// or empty labels are the same series.
public struct SeriesKey: Hashable, Sendable, CustomStringConvertible {
    public let metric: String
    public let labels: [Label]

    public init(metric: String, labels: [Label] = []) {
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
