import SoakModel

/// A series' label set, metric name included as `__name__`, sorted by name, without empty values.
///
/// Prometheus treats `{a=""}` as "no label a", so empty values are dropped on construction;
/// sorted order makes equal sets compare and hash equal.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The label name that carries the metric name.
    public static let metricName = "__name__"

    public private(set) var labels: [Label]

    public init(_ labels: [Label] = []) {
        var canonical = labels.filter { !$0.value.isEmpty }
        canonical.sort()
        self.labels = canonical
    }

    /// A label set from name/value pairs.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.init(pairs.map { Label($0.key, $0.value) })
    }

    private init(sorted: [Label]) {
        labels = sorted
    }

    /// The value of `name`, or "" when absent (PromQL's matching semantics).
    public subscript(name: String) -> String {
        for label in labels where label.name == name { return label.value }
        return ""
    }

    public var metricName: String { self[Self.metricName] }

    /// Whether `name` is a valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
    public var isEmpty: Bool { labels.isEmpty }

    /// The set without `__name__`.
    public func droppingMetricName() -> Labels {
        Labels(sorted: labels.filter { $0.name != Self.metricName })
    }

    /// Only the labels named in `names`.
    public func keeping(_ names: Set<String>) -> Labels {
        Labels(sorted: labels.filter { names.contains($0.name) })
    }

    /// The set without the labels named in `names`.
    public func removing(_ names: Set<String>) -> Labels {
        Labels(sorted: labels.filter { !names.contains($0.name) })
    }

    /// The set with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, _ value: String) -> Labels {
        var out = labels.filter { $0.name != name }
        if !value.isEmpty {
            out.append(Label(name, value))
            out.sort()
        }
        return Labels(sorted: out)
    }

    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        // Prometheus' labels.Compare: label by label, name first, then value, then length.
        for (l, r) in zip(lhs.labels, rhs.labels) {
            if l.name != r.name { return l.name < r.name }
            if l.value != r.value { return l.value < r.value }
        }
        return lhs.labels.count < rhs.labels.count
    }

    /// `name{a="1", b="2"}` as Prometheus prints a label set.
    public var description: String {
        var out = metricName
        let rest = labels.filter { $0.name != Self.metricName }
        if rest.isEmpty && !out.isEmpty { return out }
        out += "{"
        out += rest.map { "\($0.name)=\"\(QuotedText.escaped($0.value))\"" }.joined(separator: ", ")
        return out + "}"
    }
}

extension LabelMatcher {
    /// Whether every matcher in `matchers` accepts `labels` (absent labels match as "").
    public static func allMatch(_ matchers: [LabelMatcher], match labels: Labels) -> Bool {
        matchers.allSatisfy { $0.matches(labels[$0.name]) }
    }
}
