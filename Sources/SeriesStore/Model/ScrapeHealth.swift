/// The outcome of one scrape of one target: what the detector and reports need to tell "the
/// metric stopped" from "the scrape failed".
///
/// - warning: `error` is stored as given; the caller (the scraper) guarantees it holds no
///   credentials (URLs without userinfo, no headers).
public struct ScrapeHealth: Hashable, Sendable {
    /// The target, e.g. its URL without credentials or `namespace/pod:port`.
    public var target: String
    public var timestampMs: Int64
    public var up: Bool
    public var durationSeconds: Double
    public var samplesScraped: Int
    public var error: String?

    public init(target: String, timestampMs: Int64, up: Bool, durationSeconds: Double,
                samplesScraped: Int, error: String? = nil) {
        self.target = target
        self.timestampMs = timestampMs
        self.up = up
        self.durationSeconds = durationSeconds
        self.samplesScraped = samplesScraped
        self.error = error
    }
}
