import Foundation

/// One scrape target as the monitor sees it: what `/api/v1/targets` lists.
public struct TargetStatus: Sendable, Hashable, Codable {
    /// `job/instance`: the key of the target's health rows and markers in the store.
    public var key: String
    public var labels: [String: String]
    /// The scrape URL without credentials.
    public var url: String
    public var up: Bool
    public var lastScrape: Date?
    public var lastDurationSeconds: Double
    public var lastSamples: Int
    /// The last failure's text (no secrets: the scraper redacts URLs).
    public var lastError: String?
    /// The version read from the component's build-info metric.
    public var version: String?
    /// When `process_start_time_seconds` last changed (a restart seen by the monitor).
    public var lastRestart: Date?
}

/// One leak episode as the monitor sees it: what `/api/v1/findings` lists and the leak gauges read.
public struct FindingStatus: Sendable, Hashable, Codable {
    public var id: Int64
    /// The series' labels, including `__name__` and `version` when known.
    public var labels: [String: String]
    public var resource: String
    /// `firing` or `resolved`.
    public var state: String
    public var severity: String
    public var slopePerHour: Double
    public var growthPercentPerHour: Double
    public var hoursToExhaustion: Double?
    public var confidence: Double
    public var onset: Date
    public var firstAlert: Date
    public var resolved: Date?
    public var dedupeKey: String
}
