import HTTPClient
import SoakModel

/// One endpoint to scrape and everything needed to scrape it: URL, interval, timeout, limits,
/// TLS, credentials and the labels that identify it.
///
/// A target is a value: the scraper compares the new list to the running one on every
/// ``Scraper/setTargets(_:)`` and keeps the connection and schedule of targets whose
/// ``identity`` did not change.
public struct ScrapeTarget: Sendable, Hashable {
    /// Full URL including scheme, host, port, path and query (`params`).
    public var url: String
    /// Labels attached to every sample of this target; always includes `job` and `instance`.
    public var labels: [Label]
    public var intervalSeconds: Double
    /// Scrape timeout; clamped to `intervalSeconds` as Prometheus requires.
    public var timeoutSeconds: Double
    /// Bodies above this many bytes (after decompression) are aborted. Prometheus has no default
    /// limit; 50 MiB keeps one broken exporter from exhausting memory on a weeks-long run.
    public var bodyLimitBytes: Int
    public var tls: TLSSettings
    public var authorization: HTTPAuthorization
    /// HTTP or HTTPS proxy; may carry userinfo, which is never logged.
    public var proxyURL: String?
    /// Whether 3xx answers are followed (Prometheus' `follow_redirects`, default true).
    public var followRedirects: Bool
    /// Rules applied to every scraped sample after the target labels are attached.
    public var metricRelabeling: MetricRelabeling

    public static let defaultBodyLimitBytes = 50 * 1024 * 1024
    public static let defaultTimeoutSeconds = 10.0

    public init(url: String, labels: [Label], intervalSeconds: Double = 15,
                timeoutSeconds: Double = ScrapeTarget.defaultTimeoutSeconds,
                bodyLimitBytes: Int = ScrapeTarget.defaultBodyLimitBytes,
                tls: TLSSettings = TLSSettings(), authorization: HTTPAuthorization = .none,
                proxyURL: String? = nil, followRedirects: Bool = true,
                metricRelabeling: MetricRelabeling = MetricRelabeling()) {
        self.url = url
        self.labels = labels.sorted()
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = min(timeoutSeconds, intervalSeconds)
        self.bodyLimitBytes = bodyLimitBytes
        self.tls = tls
        self.authorization = authorization
        self.proxyURL = proxyURL
        self.followRedirects = followRedirects
        self.metricRelabeling = metricRelabeling
    }

    /// The value of target label `name`.
    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    /// `job`, or empty.
    public var job: String { label("job") ?? "" }
    /// `instance`, or empty.
    public var instance: String { label("instance") ?? "" }

    /// What makes two targets the same series source: URL and labels (not timing or credentials).
    /// Prometheus hashes the same pair to spread scrapes over the interval.
    public var identity: String {
        var text = url
        for label in labels { text += "\u{1}" + label.name + "\u{2}" + label.value }
        return text
    }

    /// The URL without userinfo: what errors and logs show.
    public var redactedURL: String { CredentialRedactor.redactURL(url) }

    /// Where in `[0, interval)` this target's scrapes fall: a stable FNV-1a hash of
    /// ``identity`` so that restarts keep the phase and many targets spread evenly.
    public var offsetSeconds: Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let fraction = Double(hash % 1_000_000) / 1_000_000
        return fraction * intervalSeconds
    }
}
