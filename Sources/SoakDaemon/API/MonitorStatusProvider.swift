/// What the HTTP surface reads from the running monitor: findings, targets and readiness.
///
/// The seam between the pipeline (`MonitorPipeline`, which scrapes, stores and detects) and
/// ``MonitorHTTPServer``: the server never reaches into the pipeline's state, it asks for
/// snapshots at request time. Each call returns a consistent copy, so a slow client can hold
/// no lock and a request can never observe half an update.
///
/// Implementations should answer quickly (no I/O, no waiting for a scrape round): `/metrics`
/// and `/-/ready` are polled by Prometheus and Kubernetes with short timeouts.
public protocol MonitorStatusProvider: Sendable {
    /// Every tracked series with a detector state worth showing, in a stable order
    /// (e.g. by ``FindingSnapshot/id``). The HTTP layer filters; the provider need not.
    func findingsSnapshot() async -> [FindingSnapshot]

    /// One finding by its ``FindingSnapshot/id``, or `nil` when unknown.
    ///
    /// The default implementation searches ``findingsSnapshot()``; a provider with an index
    /// may answer directly.
    func finding(id: String) async -> FindingSnapshot?

    /// Every configured or discovered scrape target, in a stable order (job, then instance).
    func targetsSnapshot() async -> [TargetSnapshot]

    /// Whether the monitor is ready: store open and the first scrape round done.
    func readiness() async -> Readiness

    /// A piece of evidence with its body by ``EvidenceSnapshot/id``, or `nil` when unknown or
    /// when the fetch failed (there is no body). A provider without evidence keeps the default.
    func evidence(id: String) async -> EvidenceDocument?
}

extension MonitorStatusProvider {
    /// Searches ``findingsSnapshot()`` for `id`.
    public func finding(id: String) async -> FindingSnapshot? {
        await findingsSnapshot().first { $0.id == id }
    }

    /// No evidence.
    public func evidence(id: String) async -> EvidenceDocument? { nil }
}
