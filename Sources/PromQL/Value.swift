/// One timestamped value of a series.
public struct Point: Sendable, Equatable {
    public var timestampMs: Int64
    public var value: Double

    public init(_ timestampMs: Int64, _ value: Double) {
        self.timestampMs = timestampMs
        self.value = value
    }

    /// Prometheus' staleness marker: a NaN with a reserved bit pattern, written when a series
    /// disappears from a scrape. Selectors treat it as "no value", never as NaN.
    public static let staleNaN = Double(bitPattern: 0x7ff0_0000_0000_0002)

    /// Whether `value` is the staleness marker (compared by bits: every NaN is unequal).
    public static func isStale(_ value: Double) -> Bool { value.bitPattern == staleNaN.bitPattern }
}

/// One element of an instant vector: a label set and its value at the evaluation time
/// (Prometheus' `promql.Sample`; named apart from `SoakModel.Sample`, a scraped sample).
public struct InstantSample: Sendable, Equatable {
    public var labels: Labels
    public var value: Double

    public init(_ labels: Labels, _ value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// A series with points: a range-vector element, a range query's result row, or what storage returns.
public struct Series: Sendable, Equatable {
    public var labels: Labels
    public var points: [Point]

    public init(_ labels: Labels, _ points: [Point]) {
        self.labels = labels
        self.points = points
    }
}

/// A query's result (or an intermediate value).
public enum Value: Sendable {
    case scalar(Double)
    case string(String)
    case vector([InstantSample])
    case matrix([Series])

    public var type: ValueType {
        switch self {
        case .scalar: .scalar
        case .string: .string
        case .vector: .vector
        case .matrix: .matrix
        }
    }
}
