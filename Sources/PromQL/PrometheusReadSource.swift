import SoakModel

/// Metadata of one metric family, as `/api/v1/metadata` lists it.
public struct MetricMetadata: Sendable, Hashable {
    /// Prometheus' type name: `counter`, `gauge`, `histogram`, `summary`, `unknown`…
    public var type: String
    public var help: String
    public var unit: String

    public init(type: String, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }
}

/// What the Prometheus-compatible read API reads: series and metadata.
///
/// Asynchronous because the daemon's store lives in an actor (`MonitorDatabase`). Queries fetch
/// everything they need in one `fetch` call (see `PromQL.Selection`) and evaluate outside the
/// actor, so a long query never holds up ingestion.
public protocol PrometheusReadSource: Sendable {
    /// `results[i]` answers `selections[i]`: series with points in its range, sorted by labels.
    func fetch(_ selections: [Selection]) async throws(PromQLError) -> [[Series]]

    /// Label sets of the series matching any of `selectors` (each a conjunction of matchers)
    /// with samples in `[startMs, endMs]`; every series when `selectors` is empty.
    func series(matching selectors: [[LabelMatcher]], startMs: Int64, endMs: Int64) async throws(PromQLError) -> [Labels]

    /// Metadata per metric name.
    func metadata() async -> [String: [MetricMetadata]]
}

/// A read source over a synchronous `SampleStorage` (tests, tools, `MemoryStorage`).
public struct StorageReadSource<Storage: SampleStorage>: PrometheusReadSource {
    public let storage: Storage
    public let families: [String: [MetricMetadata]]

    public init(_ storage: Storage, metadata: [String: [MetricMetadata]] = [:]) {
        self.storage = storage
        self.families = metadata
    }

    public func fetch(_ selections: [Selection]) async throws(PromQLError) -> [[Series]] {
        var out: [[Series]] = []
        for selection in selections {
            out.append(try storage.select(selection.matchers, startMs: selection.startMs, endMs: selection.endMs,
                                          hints: selection.hints))
        }
        return out
    }

    public func series(matching selectors: [[LabelMatcher]], startMs: Int64, endMs: Int64) async throws(PromQLError) -> [Labels] {
        let everything = [try! LabelMatcher(Labels.metricName, .matchesRegex, ".+")]  // a valid pattern
        var found = Set<Labels>()
        for matchers in selectors.isEmpty ? [everything] : selectors {
            for series in try storage.select(matchers, startMs: startMs, endMs: endMs, hints: SelectHints()) {
                found.insert(series.labels)
            }
        }
        return found.sorted()
    }

    public func metadata() async -> [String: [MetricMetadata]] { families }
}
