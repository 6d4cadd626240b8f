import SoakModel

/// A parse failure: where (1-based line and byte column) and why.
///
/// Its `description` reads like a compiler diagnostic, `line 812:23: expected '=' after label
/// name "le"`, so a log line or `soak lint` can print it as is.
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

/// Parses Prometheus text 0.0.4 and OpenMetrics 1.0 expositions from contiguous bytes.
///
/// The parser walks the input once, hands each family and sample to an ``ExpositionVisitor``
/// as views into the input, and allocates nothing per sample. It is strict where the formats
/// are: OpenMetrics is checked against the whole specification (the conformance suite's 211
/// cases agree), text 0.0.4 as Prometheus' `expfmt` parser checks it (repeated `# HELP`/`# TYPE`,
/// `# TYPE` after samples, bad escapes, `le`/`quantile` that are not numbers).
///
/// ```swift
/// var summary = ExpositionSummary()
/// try ExpositionParser(format: .prometheusText).parse(bytes, into: &summary)
/// ```
public struct ExpositionParser: Sendable {
    /// The format the input is read as.
    public var format: ExpositionFormat

    public init(format: ExpositionFormat) {
        self.format = format
    }

    /// Parses `bytes`, calling `visitor` for each family and sample in input order.
    /// Throws the first error; what was visited before it stays visited.
    public func parse<Visitor: ExpositionVisitor>(
        _ bytes: UnsafeRawBufferPointer, into visitor: inout Visitor
    ) throws(ExpositionError) {
        guard bytes.count < Int(Int32.max) else {
            throw ExpositionError(line: 1, column: 1, reason: "exposition larger than 2 GiB")
        }
        // An empty buffer may have no base address; parse a stand-in empty buffer instead.
        if bytes.isEmpty {
            var empty: UInt8 = 0
            try withUnsafePointer(to: &empty) { (pointer) throws(ExpositionError) in
                var run = ParseRun(base: pointer, count: 0, openMetrics: format == .openMetrics)
                try run.run(&visitor)
            }
            return
        }
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var run = ParseRun(base: base, count: bytes.count, openMetrics: format == .openMetrics)
        try run.run(&visitor)
    }

    /// Parses `bytes`, calling `visitor` for each family and sample in input order.
    public func parse<Visitor: ExpositionVisitor>(
        _ bytes: [UInt8], into visitor: inout Visitor
    ) throws(ExpositionError) {
        // withUnsafeBytes rethrows untyped errors; carry the typed one out as a Result.
        let outcome: Result<Void, ExpositionError> = bytes.withUnsafeBytes { raw in
            do throws(ExpositionError) {
                try parse(raw, into: &visitor)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// Parses a whole exposition and copies every family and sample out: convenient where
    /// speed does not matter (import, tests). The scrape path visits instead.
    public static func parse(_ bytes: [UInt8], format: ExpositionFormat) throws(ExpositionError) -> ParsedExposition {
        var collector = ExpositionCollector()
        try ExpositionParser(format: format).parse(bytes, into: &collector)
        return ParsedExposition(families: collector.families, samples: collector.samples)
    }
}

/// A visitor that copies everything out.
struct ExpositionCollector: ExpositionVisitor {
    var families: [MetricFamily] = []
    var samples: [Sample] = []

    mutating func visit(family: FamilyView) { families.append(family.materialize()) }
    mutating func visit(sample: SampleView) { samples.append(sample.materialize()) }
}
