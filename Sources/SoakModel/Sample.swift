/// One label: a name and its value, as every module keeps it once the parser's views have been
/// copied out (scraped samples, stored series, detector identities, alerts).
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }

    /// Prometheus' label-name rule: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f }
    }
}

/// The type a metric family declares (`# TYPE`). Prometheus text's `untyped` is OpenMetrics' `unknown`.
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
}

/// A metric family's metadata as a consumer keeps it.
public struct MetricFamily: Hashable, Sendable {
    public var name: String
    public var type: MetricType
    public var help: String?
    public var unit: String?

    public init(name: String, type: MetricType = .unknown, help: String? = nil, unit: String? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
    }
}

/// One sample as a consumer keeps it: the full series name (with any `_bucket`, `_total`, … suffix),
/// its labels in exposition order (no `__name__`), the value and the exposition's own timestamp.
public struct Sample: Sendable {
    public var name: String
    public var labels: [Label]
    public var value: Double
    /// Milliseconds since the Unix epoch when the exposition carried a timestamp
    /// (text 0.0.4 gives milliseconds, OpenMetrics seconds; both end up here in ms).
    public var timestampMs: Int64?

    public init(name: String, labels: [Label] = [], value: Double, timestampMs: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMs = timestampMs
    }

    /// The value of the label `name`, if present.
    public func label(_ name: String) -> String? {
        labels.first { $0.name == name }?.value
    }
}

extension Sample: Equatable {
    /// Equal when names, labels and timestamps match and the values are bit-identical
    /// (so NaN equals NaN with the same payload: what storage and round trips need).
    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.name == rhs.name && lhs.labels == rhs.labels && lhs.timestampMs == rhs.timestampMs
            && lhs.value.bitPattern == rhs.value.bitPattern
    }
}
