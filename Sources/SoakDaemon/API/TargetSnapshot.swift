import Foundation

/// One scrape target as the HTTP surface shows it: identity, health, the last scrape's outcome,
/// and what the monitor learned about the process behind it (version, last restart).
///
/// A copy made by the pipeline at request time (``MonitorStatusProvider/targetsSnapshot()``),
/// rendered as JSON by `/api/v1/soak/targets` (and in Prometheus' shape by `/api/v1/targets`).
///
/// - warning: never put credentials here. ``url`` loses any `user:password@` part in
///   ``init(job:instance:url:labels:health:lastScrapeAt:lastScrapeDurationSeconds:lastError:samplesScraped:detectedVersion:lastRestartAt:)``;
///   ``lastError`` must be an already-redacted message (the scraper's errors are).
public struct TargetSnapshot: Sendable, Hashable {
    /// The scrape job's name (`job` label).
    public var job: String
    /// The target's `instance` label.
    public var instance: String
    /// The scrape URL without userinfo.
    public var url: String
    /// The target's labels after relabelling (what every series of it carries).
    public var labels: [String: String]
    /// Up, down, or not scraped yet.
    public var health: TargetHealth
    /// When the last scrape started; `nil` before the first.
    public var lastScrapeAt: Date?
    /// How long the last scrape took, connect to parsed, in seconds.
    public var lastScrapeDurationSeconds: Double?
    /// Why the last scrape failed (redacted: no URL userinfo, no header values); `nil` when up.
    public var lastError: String?
    /// Samples the last successful scrape returned.
    public var samplesScraped: Int?
    /// The component's version as detected from its build-info metrics; `nil` when unknown.
    public var detectedVersion: String?
    /// When the target's process last restarted (`process_start_time_seconds`); `nil` when unknown.
    public var lastRestartAt: Date?

    /// Makes a snapshot; userinfo in `url` is removed.
    public init(
        job: String,
        instance: String,
        url: String,
        labels: [String: String] = [:],
        health: TargetHealth,
        lastScrapeAt: Date? = nil,
        lastScrapeDurationSeconds: Double? = nil,
        lastError: String? = nil,
        samplesScraped: Int? = nil,
        detectedVersion: String? = nil,
        lastRestartAt: Date? = nil
    ) {
        self.job = job
        self.instance = instance
        self.url = TargetSnapshot.removingUserinfo(url)
        self.labels = labels
        self.health = health
        self.lastScrapeAt = lastScrapeAt
        self.lastScrapeDurationSeconds = lastScrapeDurationSeconds
        self.lastError = lastError
        self.samplesScraped = samplesScraped
        self.detectedVersion = detectedVersion
        self.lastRestartAt = lastRestartAt
    }

    /// `scheme://user:pass@host/path` → `scheme://host/path`; other text unchanged.
    ///
    /// Belt and braces: the scraper's target URLs carry no userinfo (credentials come from
    /// files), but a snapshot is rendered to anyone who can reach the port.
    static func removingUserinfo(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(url[url.index(after: at)...])
    }
}
