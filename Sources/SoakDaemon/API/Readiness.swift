/// Whether the monitor can answer for its targets yet, and if not, why.
///
/// `/-/ready` answers 200 when ``isReady``, else 503 with the reasons, one per line. The
/// pipeline is ready when its store is open and the first scrape round is done; before that,
/// findings and `/metrics` gauges would describe an empty monitor as a healthy cluster.
public struct Readiness: Sendable, Hashable {
    /// What still stands in the way; empty when ready.
    public var reasons: [String]

    /// Ready when nothing stands in the way.
    public var isReady: Bool { reasons.isEmpty }

    /// Makes a readiness with the given blocking reasons (none: ready).
    public init(reasons: [String] = []) {
        self.reasons = reasons
    }

    /// Ready.
    public static let ready = Readiness()

    /// Not ready, for the given reasons (e.g. `"store not open"`, `"first scrape round not done"`).
    public static func notReady(_ reasons: String...) -> Readiness {
        Readiness(reasons: reasons.isEmpty ? ["not ready"] : reasons)
    }
}
