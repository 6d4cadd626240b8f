import CoreMetrics

/// The monitor's own metrics as a typed facade: the pipeline calls
/// `metrics.scrapeSucceeded(job:durationSeconds:)` rather than spelling metric names.
///
/// Records through swift-metrics only, so library code never chooses a backend: with no
/// bootstrap everything goes to swift-metrics' no-op handler; the daemon calls
/// ``SelfMetricsBootstrap/bootstrapPrometheus()`` once and `/metrics` shows the values.
/// Tests pass their own `factory` instead of touching the process-wide system.
///
/// The names, types and HELP texts live in ``SelfMetricDescriptor/catalog``.
/// Cheap to copy and `Sendable`; unlabelled handles are made once, labelled ones per call
/// (the backend returns the existing handle for a known label set).
public struct SoakMetrics: Sendable {
    private let factory: any MetricsFactory
    private let samplesCounter: CoreMetrics.Counter
    private let seriesGauge: CoreMetrics.Gauge
    private let flushTimer: CoreMetrics.Timer
    private let lagGauge: CoreMetrics.Gauge
    private let outboxGauge: CoreMetrics.Gauge
    private let droppedCounter: CoreMetrics.Counter

    /// A facade recording to `factory`; by default the process-wide `MetricsSystem.factory`,
    /// read once here (make the facade after bootstrapping).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        samplesCounter = CoreMetrics.Counter(label: SelfMetricDescriptor.samplesIngestedTotal.name, factory: factory)
        seriesGauge = CoreMetrics.Gauge(label: SelfMetricDescriptor.seriesTracked.name, factory: factory)
        flushTimer = CoreMetrics.Timer(label: SelfMetricDescriptor.storeFlushDuration.name, factory: factory)
        lagGauge = CoreMetrics.Gauge(label: SelfMetricDescriptor.detectorLag.name, factory: factory)
        outboxGauge = CoreMetrics.Gauge(label: SelfMetricDescriptor.outboxPending.name, factory: factory)
        droppedCounter = CoreMetrics.Counter(label: SelfMetricDescriptor.scrapeResultsDroppedTotal.name, factory: factory)
    }

    /// A scrape of a target of `job` succeeded in `durationSeconds`.
    public func scrapeSucceeded(job: String, durationSeconds: Double) {
        CoreMetrics.Counter(label: SelfMetricDescriptor.scrapesTotal.name, dimensions: [("job", job)], factory: factory).increment()
        recordScrapeDuration(job: job, seconds: durationSeconds)
    }

    /// A scrape of a target of `job` failed after `durationSeconds`.
    public func scrapeFailed(job: String, durationSeconds: Double) {
        CoreMetrics.Counter(label: SelfMetricDescriptor.scrapesTotal.name, dimensions: [("job", job)], factory: factory).increment()
        CoreMetrics.Counter(label: SelfMetricDescriptor.scrapeFailuresTotal.name, dimensions: [("job", job)], factory: factory).increment()
        recordScrapeDuration(job: job, seconds: durationSeconds)
    }

    /// `count` samples were appended to the store.
    public func samplesIngested(_ count: Int) {
        guard count > 0 else { return }
        samplesCounter.increment(by: Int64(count))
    }

    /// The detector now tracks `count` series.
    public func seriesTracked(_ count: Int) {
        seriesGauge.record(count)
    }

    /// A store flush took `seconds`.
    public func storeFlushed(seconds: Double) {
        flushTimer.recordNanoseconds(Self.nanoseconds(seconds))
    }

    /// The detector has seen samples up to `seconds` behind the newest scraped one.
    public func detectorLag(seconds: Double) {
        lagGauge.record(seconds)
    }

    /// A scrape result was dropped before the pipeline saw it.
    public func scrapeResultDropped() {
        droppedCounter.increment()
    }

    /// A notification reached `receiver`.
    public func alertSent(receiver: String) {
        CoreMetrics.Counter(label: SelfMetricDescriptor.alertsSentTotal.name, dimensions: [("receiver", receiver)], factory: factory).increment()
    }

    /// A delivery attempt to `receiver` failed (it will be retried, or was rejected with a 4xx).
    public func alertFailed(receiver: String) {
        CoreMetrics.Counter(label: SelfMetricDescriptor.alertsFailedTotal.name, dimensions: [("receiver", receiver)], factory: factory).increment()
    }

    /// `count` notifications wait in the outbox.
    public func outboxPending(_ count: Int) {
        outboxGauge.record(count)
    }

    private func recordScrapeDuration(job: String, seconds: Double) {
        CoreMetrics.Timer(label: SelfMetricDescriptor.scrapeDuration.name, dimensions: [("job", job)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(seconds))
    }

    private static func nanoseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64(min(seconds, 9e9) * 1e9)
    }
}
