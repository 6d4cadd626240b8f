/// SoakMonitor's own metrics: the one place their names are spelled.
extension SelfMetricDescriptor {
    /// Completed scrapes, successful or not, per job.
    public static let scrapesTotal = SelfMetricDescriptor(
        name: "soak_scrapes_total", kind: .counter, help: "Scrapes attempted, successful or not, per job.", labelNames: ["job"])
    /// Failed scrapes per job (transport error, HTTP status, parse error, timeout).
    public static let scrapeFailuresTotal = SelfMetricDescriptor(
        name: "soak_scrape_failures_total", kind: .counter,
        help: "Scrapes that failed (transport, HTTP status, parse error or timeout), per job.", labelNames: ["job"])
    /// Scrape duration per job, seconds.
    public static let scrapeDuration = SelfMetricDescriptor(
        name: "soak_scrape_duration_seconds", kind: .histogram,
        help: "Duration of scrapes from connect to parsed, seconds, per job.", labelNames: ["job"])
    /// Samples accepted into the store.
    public static let samplesIngestedTotal = SelfMetricDescriptor(
        name: "soak_samples_ingested_total", kind: .counter, help: "Samples appended to the series store.")
    /// Series the detector tracks now.
    public static let seriesTracked = SelfMetricDescriptor(
        name: "soak_series_tracked", kind: .gauge, help: "Series in the store (every kept series; the leak detector watches the resource series among them).")
    /// Store flush duration, seconds.
    public static let storeFlushDuration = SelfMetricDescriptor(
        name: "soak_store_flush_duration_seconds", kind: .histogram,
        help: "Duration of series store flushes (commit of buffered samples), seconds.")
    /// How far the detector trails the newest scraped sample, seconds.
    public static let detectorLag = SelfMetricDescriptor(
        name: "soak_detector_lag_seconds", kind: .gauge,
        help: "Time between the newest scraped sample and the detector having seen it, seconds.")
    /// Notifications delivered per receiver.
    public static let alertsSentTotal = SelfMetricDescriptor(
        name: "soak_alerts_sent_total", kind: .counter,
        help: "Alert notifications delivered, per receiver.", labelNames: ["receiver"])
    /// Failed delivery attempts per receiver.
    public static let alertsFailedTotal = SelfMetricDescriptor(
        name: "soak_alerts_failed_total", kind: .counter,
        help: "Alert delivery attempts that failed (retried or rejected), per receiver.", labelNames: ["receiver"])
    /// Scrape results dropped because the pipeline fell too far behind the scraper.
    public static let scrapeResultsDroppedTotal = SelfMetricDescriptor(
        name: "soak_scrape_results_dropped_total", kind: .counter,
        help: "Scrape results dropped unstored because the pipeline fell behind the scraper (store too slow).")
    /// Notifications waiting in the outbox.
    public static let outboxPending = SelfMetricDescriptor(
        name: "soak_alert_outbox_pending", kind: .gauge, help: "Notifications waiting in the durable outbox for delivery.")

    /// Every self-metric, in documentation order.
    public static let catalog: [SelfMetricDescriptor] = [
        scrapesTotal, scrapeFailuresTotal, scrapeDuration, samplesIngestedTotal, seriesTracked,
        storeFlushDuration, detectorLag, scrapeResultsDroppedTotal, alertsSentTotal, alertsFailedTotal, outboxPending,
    ]
}
