import Foundation

/// What the pipeline remembers about one scrape target: its identity, last scrape, version and
/// last restart. ``MonitorPipeline/targetsSnapshot()`` turns it into a ``TargetSnapshot``.
struct TargetStatus: Sendable, Hashable {
    /// `job/instance`: the key of the target's health rows and markers in the store.
    var key: String
    var labels: [String: String]
    /// The scrape URL without credentials.
    var url: String
    var up: Bool
    var lastScrape: Date?
    var lastDurationSeconds: Double
    var lastSamples: Int
    /// The last failure's text (no secrets: the scraper redacts URLs).
    var lastError: String?
    /// The version read from the component's build-info metric.
    var version: String?
    /// When `process_start_time_seconds` last changed (a restart seen by the monitor).
    var lastRestart: Date?
    /// Samples of the last scrape dropped for a timestamp too far in the future.
    var samplesOutOfBounds = 0
}

