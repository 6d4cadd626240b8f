import SoakModel

/// What one scrape of one target produced: the kept samples with target labels attached,
/// Prometheus' synthetic series for the scrape, and the error when it failed.
public struct ScrapeResult: Sendable {
    public var target: ScrapeTarget
    /// Wall-clock start of the scrape, milliseconds since the Unix epoch. Samples without an
    /// exposition timestamp belong at this instant, as in Prometheus.
    public var timestampMs: Int64
    /// Monotonic seconds at which the scrape started (for measuring interval spread).
    public var startedMonotonicSeconds: Double
    public var durationSeconds: Double
    /// Samples after the keep-list and `metric_relabel_configs`, labelled with the target labels.
    public var samples: [Sample]
    /// How many samples the exposition held before relabeling (`scrape_samples_scraped`).
    public var samplesScraped: Int
    /// HTTP status, 0 when no response arrived.
    public var httpStatus: Int
    /// Bytes of body received (after decompression).
    public var bodyBytes: Int
    /// Connections libcurl had to open for this scrape (0 when an existing one was reused).
    public var newConnections: Int
    public var error: ScrapeError?
    /// Samples dropped because their exposition timestamp lies more than
    /// ``ScrapeResult/futureToleranceMs`` after the scrape's start: stored, such a sample would
    /// make every later sample of its series out of order, for ever.
    public var samplesOutOfBounds = 0

    /// How far ahead of the scrape an exposition timestamp may lie (clock skew between target
    /// and monitor): 10 minutes.
    public static let futureToleranceMs: Int64 = 600_000

    /// True when the target answered with a parseable exposition.
    public var up: Bool { error == nil }

    /// `up`, `scrape_duration_seconds`, `scrape_samples_scraped` and
    /// `scrape_samples_post_metric_relabeling`, labelled like the target and stamped at the
    /// scrape's start, as Prometheus records them for every scrape, failed or not.
    public var syntheticSamples: [Sample] {
        let labels = target.labels
        return [
            Sample(name: "up", labels: labels, value: up ? 1 : 0, timestampMs: timestampMs),
            Sample(name: "scrape_duration_seconds", labels: labels, value: durationSeconds, timestampMs: timestampMs),
            Sample(name: "scrape_samples_scraped", labels: labels, value: Double(samplesScraped), timestampMs: timestampMs),
            Sample(name: "scrape_samples_post_metric_relabeling", labels: labels, value: Double(samples.count),
                   timestampMs: timestampMs),
        ]
    }

    /// The kept samples followed by the synthetic series: everything a store should append.
    public var allSamples: [Sample] { samples + syntheticSamples }
}
