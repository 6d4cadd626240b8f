/// One of the monitor's own metrics: its Prometheus name, type, HELP text and label names.
///
/// The catalog (``SelfMetricDescriptor/catalog``) is the single place these names live: ``SoakMetrics``
/// records through them, `/metrics` adds their HELP lines, the docs list them, and the
/// dashboard test checks every query against them.
public struct SelfMetricDescriptor: Sendable, Hashable {
    /// The Prometheus family type.
    public enum Kind: String, Sendable, Hashable {
        case counter, gauge, histogram
    }

    /// The family name, e.g. `soak_scrapes_total`.
    public var name: String
    public var kind: Kind
    /// One sentence: what is counted or measured, in which unit.
    public var help: String
    /// The label names every sample carries (empty for none).
    public var labelNames: [String]

    public init(name: String, kind: Kind, help: String, labelNames: [String] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labelNames = labelNames
    }

    /// The names of the series a family of this kind exposes (`_bucket`, `_sum`, `_count` for a
    /// histogram), for checking queries against.
    public var seriesNames: [String] {
        kind == .histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
    }
}
