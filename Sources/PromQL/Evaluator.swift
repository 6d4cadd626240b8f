#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One query's evaluation: the series its selectors loaded, evaluated step by step.
struct Evaluator {
    let lookbackDeltaMs: Int64
    /// Loaded series per selector, keyed by the selector's position in the query.
    private var loaded: [Int: [Series]] = [:]

    init(expr: Expr, storage: any SampleStorage, startMs: Int64, endMs: Int64, stepMs: Int64,
         lookbackDeltaMs: Int64) throws(PromQLError) {
        self.lookbackDeltaMs = lookbackDeltaMs
        let uses = Self.selectorUses(expr, function: nil)
        let selections = Self.selections(for: expr, startMs: startMs, endMs: endMs, stepMs: stepMs,
                                         lookbackDeltaMs: lookbackDeltaMs)
        for (use, selection) in zip(uses, selections) {
            loaded[use.selector.position] = try storage.select(selection.matchers, startMs: selection.startMs,
                                                               endMs: selection.endMs, hints: selection.hints)
        }
    }

    /// One read per selector: the span its steps need (range or lookback before the first step,
    /// shifted by `offset`).
    static func selections(for expr: Expr, startMs: Int64, endMs: Int64, stepMs: Int64,
                           lookbackDeltaMs: Int64) -> [Selection] {
        selectorUses(expr, function: nil).map { use in
            let selector = use.selector
            let lookback = use.rangeMs > 0 ? use.rangeMs : lookbackDeltaMs
            return Selection(matchers: selector.matchers, startMs: startMs - selector.offsetMs - lookback,
                             endMs: endMs - selector.offsetMs,
                             hints: SelectHints(function: use.function, rangeMs: use.rangeMs, stepMs: stepMs))
        }
    }

    private struct SelectorUse {
        var selector: VectorSelector
        var rangeMs: Int64
        var function: String?
    }

    private static func selectorUses(_ expr: Expr, function: String?) -> [SelectorUse] {
        switch expr {
        case .number, .string: []
        case .vectorSelector(let selector): [SelectorUse(selector: selector, rangeMs: 0, function: function)]
        case .matrixSelector(let selector, let range): [SelectorUse(selector: selector, rangeMs: range, function: function)]
        case .paren(let inner): selectorUses(inner, function: function)
        case .negate(let inner): selectorUses(inner, function: nil)
        case .binary(_, let lhs, let rhs, _, _): selectorUses(lhs, function: nil) + selectorUses(rhs, function: nil)
        case .aggregate(_, let inner, let parameter, _, _):
            selectorUses(inner, function: nil) + (parameter.map { selectorUses($0, function: nil) } ?? [])
        case .call(let f, let args): args.flatMap { selectorUses($0, function: f.name) }
        }
    }

    /// Fails on two samples with one label set (Prometheus: "vector cannot contain metrics with the same labelset").
    static func checkUnique(_ samples: [InstantSample]) throws(PromQLError) {
        guard samples.count > 1 else { return }
        var seen = Set<Labels>(minimumCapacity: samples.count)
        for sample in samples where !seen.insert(sample.labels).inserted {
            throw PromQLError(.execution, "vector cannot contain metrics with the same labelset")
        }
    }

    // MARK: - Evaluation

    mutating func eval(_ expr: Expr, at ts: Int64) throws(PromQLError) -> Value {
        switch expr {
        case .number(let value): return .scalar(value)
        case .string(let text): return .string(text)
        case .paren(let inner): return try eval(inner, at: ts)
        case .vectorSelector(let selector): return .vector(instantSamples(selector, at: ts))
        case .matrixSelector(let selector, let range): return .matrix(rangeSeries(selector, rangeMs: range, at: ts))
        case .negate(let inner):
            switch try eval(inner, at: ts) {
            case .scalar(let value): return .scalar(-value)
            case .vector(let samples):
                return .vector(samples.map { InstantSample($0.labels.droppingMetricName(), -$0.value) })
            default: throw PromQLError(.execution, "unary minus on a non-numeric value")
            }
        case .binary(let op, let lhs, let rhs, let matching, let returnBool):
            let left = try eval(lhs, at: ts)
            let right = try eval(rhs, at: ts)
            return try binary(op, left, right, matching: matching, returnBool: returnBool)
        case .aggregate(let op, let inner, let parameterExpr, let grouping, let without):
            var parameter = 0.0
            if let parameterExpr { parameter = try scalar(parameterExpr, at: ts) }
            guard case .vector(let samples) = try eval(inner, at: ts) else {
                throw PromQLError(.execution, "aggregation over a non-vector")
            }
            return .vector(try Aggregation.apply(op, samples, parameter: parameter, grouping: grouping, without: without))
        case .call(let function, let args):
            let result = try call(function, args, at: ts)
            if case .vector(let samples) = result { try Self.checkUnique(samples) }
            return result
        }
    }

    mutating func scalar(_ expr: Expr, at ts: Int64) throws(PromQLError) -> Double {
        guard case .scalar(let value) = try eval(expr, at: ts) else {
            throw PromQLError(.execution, "expected a scalar")
        }
        return value
    }

    /// The newest non-stale sample of each series within the lookback window.
    private func instantSamples(_ selector: VectorSelector, at ts: Int64) -> [InstantSample] {
        let reference = ts - selector.offsetMs
        var out: [InstantSample] = []
        for series in loaded[selector.position] ?? [] {
            let index = series.points.partitioningIndex { $0.timestampMs > reference } - 1
            guard index >= 0 else { continue }
            let point = series.points[index]
            guard point.timestampMs >= reference - lookbackDeltaMs, !Point.isStale(point.value) else { continue }
            out.append(InstantSample(series.labels, point.value))
        }
        return out
    }

    /// Each series' non-stale points in `[t - offset - range, t - offset]`; series without points are left out.
    private func rangeSeries(_ selector: VectorSelector, rangeMs: Int64, at ts: Int64) -> [Series] {
        let maxT = ts - selector.offsetMs
        let minT = maxT - rangeMs
        var out: [Series] = []
        for series in loaded[selector.position] ?? [] {
            let lower = series.points.partitioningIndex { $0.timestampMs >= minT }
            let upper = series.points.partitioningIndex { $0.timestampMs > maxT }
            guard lower < upper else { continue }
            let points = series.points[lower..<upper].filter { !Point.isStale($0.value) }
            if !points.isEmpty { out.append(Series(series.labels, points)) }
        }
        return out
    }
}
