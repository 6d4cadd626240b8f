/// A parse failure: where (1-based line and column) and why.
public struct ExpositionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line):\(column): \(reason)" }
}

/// Everything an exposition held, copied out of the input.
public struct ParsedExposition: Sendable {
    public var families: [MetricFamily]
    public var samples: [Sample]
}

/// Parses Prometheus text 0.0.4 and OpenMetrics 1.0 expositions. (Implementation lands with issue 2.)
public struct ExpositionParser: Sendable {
    public var format: ExpositionFormat

    public init(format: ExpositionFormat) {
        self.format = format
    }

    /// Parses a whole exposition and copies every family and sample out.
    public static func parse(_ bytes: [UInt8], format: ExpositionFormat) throws(ExpositionError) -> ParsedExposition {
        throw ExpositionError(line: 1, column: 1, reason: "parser not implemented yet")
    }
}
