/// Evaluates PromQL over a `SampleStorage`, instant or on a step grid, as Prometheus 2.42 does.
///
/// Series are selected once per query for the whole time span the query needs, then every step
/// is evaluated from those points: an instant selector takes the newest non-stale sample at most
/// `lookbackDeltaMs` old, a range selector the non-stale samples in `[t - range, t]` (closed, as in
/// Prometheus 2.x).
public struct Engine: Sendable {
    public let storage: any SampleStorage
    /// How far back an instant selector looks for a sample (Prometheus' `--query.lookback-delta`).
    public var lookbackDeltaMs: Int64
    /// The most points a range query may produce per series (Prometheus' API refuses more than 11,000).
    public var maxPointsPerSeries: Int64

    public init(storage: any SampleStorage, lookbackDeltaMs: Int64 = 300_000, maxPointsPerSeries: Int64 = 11_000) {
        self.storage = storage
        self.lookbackDeltaMs = lookbackDeltaMs
        self.maxPointsPerSeries = maxPointsPerSeries
    }

    /// Evaluates `query` at one instant. Returns a scalar, string, vector or (for a bare range
    /// selector) matrix.
    public func instantQuery(_ query: String, atMs: Int64) throws(PromQLError) -> Value {
        try instantQuery(try Parser.parse(query), atMs: atMs)
    }

    public func instantQuery(_ expr: Expr, atMs: Int64) throws(PromQLError) -> Value {
        var evaluator = try Evaluator(expr: expr, storage: storage, startMs: atMs, endMs: atMs, stepMs: 0,
                                      lookbackDeltaMs: lookbackDeltaMs)
        let value = try evaluator.eval(expr, at: atMs)
        if case .vector(let samples) = value { try Evaluator.checkUnique(samples) }
        return value
    }

    /// Evaluates `query` at `startMs`, `startMs + stepMs`, … up to `endMs`; series sorted by labels.
    /// - throws: `.badData` for a non-positive step, `end` before `start`, too many points per
    ///   series, or a query whose type is not scalar or instant vector.
    public func rangeQuery(_ query: String, startMs: Int64, endMs: Int64, stepMs: Int64) throws(PromQLError) -> [Series] {
        try rangeQuery(try Parser.parse(query), startMs: startMs, endMs: endMs, stepMs: stepMs)
    }

    public func rangeQuery(_ expr: Expr, startMs: Int64, endMs: Int64, stepMs: Int64) throws(PromQLError) -> [Series] {
        guard stepMs > 0 else {
            throw PromQLError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard endMs >= startMs else { throw PromQLError(.badData, "end timestamp must not be before start time") }
        guard (endMs - startMs) / stepMs < maxPointsPerSeries else {
            throw PromQLError(.badData, "exceeded maximum resolution of \(Self.thousands(maxPointsPerSeries)) points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        guard expr.type == .scalar || expr.type == .vector else {
            throw PromQLError(.badData, "invalid expression type \"\(expr.type.documentedName)\" for range query, must be Scalar or instant Vector")
        }
        var evaluator = try Evaluator(expr: expr, storage: storage, startMs: startMs, endMs: endMs, stepMs: stepMs,
                                      lookbackDeltaMs: lookbackDeltaMs)
        var rows: [Labels: [Point]] = [:]
        var ts = startMs
        while ts <= endMs {
            switch try evaluator.eval(expr, at: ts) {
            case .scalar(let value):
                rows[Labels(), default: []].append(Point(ts, value))
            case .vector(let samples):
                try Evaluator.checkUnique(samples)
                for sample in samples { rows[sample.labels, default: []].append(Point(ts, sample.value)) }
            case .string, .matrix:
                throw PromQLError(.badData, "invalid expression type for range query")
            }
            ts += stepMs
        }
        return rows.map { Series($0.key, $0.value) }.sorted { $0.labels < $1.labels }
    }

    /// `11000` → `11,000`, as Prometheus writes the limit.
    private static func thousands(_ value: Int64) -> String {
        var digits = String(value)
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
            index -= 3
        }
        return digits
    }
}
