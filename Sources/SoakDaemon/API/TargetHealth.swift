/// A scrape target's health, as Prometheus' `/api/v1/targets` reports it.
public enum TargetHealth: String, Codable, Sendable, Hashable {
    /// The last scrape succeeded.
    case up
    /// The last scrape failed (``TargetSnapshot/lastError`` says why).
    case down
    /// Not scraped yet.
    case unknown
}
