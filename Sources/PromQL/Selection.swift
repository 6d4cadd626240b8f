import SoakModel

/// One read a query needs from storage: the series matching `matchers` with points in
/// `[startMs, endMs]`.
///
/// `Engine.selections(for:…)` lists them before evaluation, so a caller whose storage is
/// asynchronous (an actor owning the database) can fetch everything first and evaluate on a
/// `PrefetchedStorage` without holding the storage during evaluation.
public struct Selection: Sendable, Hashable {
    public var matchers: [LabelMatcher]
    public var startMs: Int64
    public var endMs: Int64
    public var hints: SelectHints

    public init(matchers: [LabelMatcher], startMs: Int64, endMs: Int64, hints: SelectHints) {
        self.matchers = matchers
        self.startMs = startMs
        self.endMs = endMs
        self.hints = hints
    }
}


/// A `SampleStorage` answering from reads fetched beforehand (see `Selection`).
public struct PrefetchedStorage: SampleStorage {
    private let results: [Selection: [Series]]

    /// `results[i]` is what storage returned for `selections[i]`.
    public init(_ selections: [Selection], _ results: [[Series]]) {
        var table: [Selection: [Series]] = [:]
        for (selection, series) in zip(selections, results) { table[selection] = series }
        self.results = table
    }

    public func select(_ matchers: [LabelMatcher], startMs: Int64, endMs: Int64, hints: SelectHints) throws(PromQLError) -> [Series] {
        guard let series = results[Selection(matchers: matchers, startMs: startMs, endMs: endMs, hints: hints)] else {
            throw PromQLError(.internal, "selection \(matchers) [\(startMs), \(endMs)] was not fetched before evaluation")
        }
        return series
    }
}

extension Engine {
    /// The reads evaluating `expr` over `[startMs, endMs]` at `stepMs` will make (0 for an instant query).
    public func selections(for expr: Expr, startMs: Int64, endMs: Int64, stepMs: Int64) -> [Selection] {
        Evaluator.selections(for: expr, startMs: startMs, endMs: endMs, stepMs: stepMs, lookbackDeltaMs: lookbackDeltaMs)
    }
}
