import SoakModel
import Foundation
import MetricsScrape
import SeriesStore

/// The daemon's one owner of the SQLite file: samples, scrape health, markers, findings,
/// evidence and the alert outbox all go through this actor, so the store (which is not
/// thread-safe) is only ever touched from one place, and outbox writes never interleave with a
/// flush transaction. The pipeline writes through it; the API, reports and read paths read
/// through it directly, without going through the pipeline actor.
public actor MonitorDatabase {
    /// Internal so the read API's adapter (MonitorDatabase+PromQL) reads it inside the actor.
    let store: SeriesStore
    public nonisolated let path: String
    private var closed = false

    /// Opens (creating or migrating) the database at `path`.
    public init(path: String, configuration: StoreConfiguration) throws(StoreError) {
        store = try SeriesStore(path: path, configuration: configuration)
        self.path = path
    }

    // MARK: Ingest

    /// What one ``ingest(_:target:markers:)`` did.
    public struct IngestOutcome: Sendable {
        /// Samples appended.
        public var appended = 0
        /// Samples refused (out of order, conflicting duplicates, repeated duplicates).
        public var refused = 0
        /// Series known to the store afterwards.
        public var seriesCount = 0
        /// Wall seconds of the flush, when this call flushed.
        public var flushSeconds: Double?
    }

    /// Appends one scrape's samples (kept and synthetic), its health row and any markers, then
    /// flushes when the flush interval has passed.
    @discardableResult
    public func ingest(_ result: ScrapeResult, target: String, markers: [Marker]) throws(StoreError) -> IngestOutcome {
        var outcome = IngestOutcome()
        for sample in result.allSamples {
            let appended = try store.append(metric: sample.name, labels: sample.labels,
                                           timestampMs: sample.timestampMs ?? result.timestampMs, value: sample.value)
            if appended == .appended { outcome.appended += 1 } else { outcome.refused += 1 }
        }
        // The scraper's error text is built without credentials (ScrapeError's contract).
        store.record(ScrapeHealth(target: target, timestampMs: result.timestampMs, up: result.up,
                                  durationSeconds: result.durationSeconds, samplesScraped: result.samplesScraped,
                                  error: result.error?.description))
        for marker in markers { store.record(marker) }
        let started = ContinuousClock.now
        if try store.flushIfDue() {
            let elapsed = ContinuousClock.now - started
            outcome.flushSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        outcome.seriesCount = store.seriesCount
        return outcome
    }

    /// Flushes now (shutdown, tests).
    public func flush() throws(StoreError) {
        guard !closed else { return }
        try store.flush()
    }

    /// Flushes, checkpoints and closes; later calls are ignored.
    public func close() throws(StoreError) {
        guard !closed else { return }
        closed = true
        try store.close()
    }

    /// Drops samples, health rows and markers older than the configured retention.
    public func applyRetention(now: Date) throws(StoreError) -> RetentionReport {
        try store.applyRetention(nowMs: Int64(now.timeIntervalSince1970 * 1000))
    }

    public var seriesCount: Int { store.seriesCount }
    public var ingestStats: IngestStats { store.stats }

    // MARK: Reading back

    /// The samples of every series named in `metrics` within `[fromMs, toMs]`.
    public func samples(metrics: Set<String>, fromMs: Int64, toMs: Int64) throws(StoreError) -> [SeriesSamples] {
        var out: [SeriesSamples] = []
        for metric in metrics.sorted() {
            out += try store.samples(matching: .metric(metric), fromMs: fromMs, toMs: toMs)
        }
        return out
    }

    /// The distinct metric names of every stored series.
    public func metricNames() -> Set<String> {
        Set(store.series(matching: .all).map(\.key.metric))
    }

    /// Markers of `kind` in time order.
    public func markers(kind: Marker.Kind, fromMs: Int64 = .min) throws(StoreError) -> [Marker] {
        try store.markers(kind: kind, fromMs: fromMs)
    }

    /// Scrape health rows of `target`.
    public func scrapeHealth(target: String) throws(StoreError) -> [ScrapeHealth] {
        try store.scrapeHealth(target: target)
    }

    // MARK: Findings

    public func insertFinding(_ record: FindingRecord) throws(StoreError) -> FindingRecord {
        try store.insertFinding(record)
    }

    public func updateFinding(_ record: FindingRecord) throws(StoreError) {
        try store.updateFinding(record)
    }

    public func findings(state: AlertState? = nil, limit: Int = .max) throws(StoreError) -> [FindingRecord] {
        try store.findings(state: state, limit: limit)
    }

    // MARK: Evidence

    public func insertEvidence(_ record: EvidenceRecord) throws(StoreError) -> EvidenceRecord {
        try store.insertEvidence(record)
    }

    /// Evidence of one finding, or of all when nil, without bodies.
    public func evidence(findingID: Int64? = nil) throws(StoreError) -> [EvidenceRecord] {
        try store.evidence(findingID: findingID)
    }

    /// The newest successful baseline of `name` from `url` before `beforeMs`, with its body.
    public func latestBaseline(name: String, url: String, fetchedBeforeMs beforeMs: Int64) throws(StoreError) -> EvidenceRecord? {
        try store.latestBaseline(name: name, url: url, fetchedBeforeMs: beforeMs)
    }

    /// The oldest successful baseline of `name` from `url` before `beforeMs`, with its body.
    public func earliestBaseline(name: String, url: String, fetchedBeforeMs beforeMs: Int64) throws(StoreError) -> EvidenceRecord? {
        try store.earliestBaseline(name: name, url: url, fetchedBeforeMs: beforeMs)
    }

    /// Keeps the newest `keep` baselines of `name` from `url`.
    @discardableResult
    public func pruneBaselines(name: String, url: String, keep: Int) throws(StoreError) -> Int {
        try store.pruneBaselines(name: name, url: url, keep: keep)
    }

    /// One piece of evidence with its body.
    /// A finding's evidence diffed against the baselines (``SeriesStore/rootCauses(findingID:onsetMs:)``).
    public func rootCauses(findingID: Int64, onsetMs: Int64) throws(StoreError) -> [EvidenceRootCause] {
        try store.rootCauses(findingID: findingID, onsetMs: onsetMs)
    }

    public func evidence(id: Int64) throws(StoreError) -> EvidenceRecord? {
        try store.evidence(id: id)
    }

    // MARK: Outbox

    public func insertOutbox(receiver: String, dedupeKey: String, alertState: AlertState, payload: [UInt8],
                             createdMs: Int64) throws(StoreError) -> OutboxRow {
        try store.insertOutbox(receiver: receiver, dedupeKey: dedupeKey, alertState: alertState, payload: payload,
                               createdMs: createdMs)
    }

    public func pendingOutbox() throws(StoreError) -> [OutboxRow] { try store.pendingOutbox() }
    public func allOutbox() throws(StoreError) -> [OutboxRow] { try store.allOutbox() }

    public func markOutboxDelivered(id: Int64, atMs: Int64) throws(StoreError) {
        try store.markOutboxDelivered(id: id, atMs: atMs)
    }

    public func markOutboxAttempt(id: Int64, nextAttemptMs: Int64, lastError: String) throws(StoreError) {
        try store.markOutboxAttempt(id: id, nextAttemptMs: nextAttemptMs, lastError: lastError)
    }

    public func markOutboxRejected(id: Int64, atMs: Int64, lastError: String) throws(StoreError) {
        try store.markOutboxRejected(id: id, atMs: atMs, lastError: lastError)
    }

    public func markOutboxSuperseded(id: Int64, atMs: Int64) throws(StoreError) {
        try store.markOutboxSuperseded(id: id, atMs: atMs)
    }

    public func removeFinishedOutbox(beforeMs: Int64) throws(StoreError) -> Int {
        try store.removeFinishedOutbox(beforeMs: beforeMs)
    }
}
