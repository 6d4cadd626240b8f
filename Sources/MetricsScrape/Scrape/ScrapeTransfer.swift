import HTTPClient
import SoakModel

/// One target's transfer as the scraper keeps it: the HTTP client's easy handle plus the target
/// it scrapes and the per-target name decisions that survive between scrapes.
final class ScrapeTransfer: CurlTransfer {
    let target: ScrapeTarget
    /// Whether each metric name passes the job's name filter; names repeat every scrape, so the
    /// regex/prefix test runs once per name instead of once per sample.
    var nameDecisions = MetricNameDecisions()

    init?(target: ScrapeTarget) {
        self.target = target
        super.init(settings: target.httpTarget)
    }
}

extension ScrapeTarget {
    /// The request a scrape of this target makes. As Prometheus: prefer OpenMetrics, accept
    /// text 0.0.4, anything else last, and send the timeout so exporters can cut slow
    /// collectors short (`X-Prometheus-Scrape-Timeout-Seconds: 10`, `0.5`). Idle connections
    /// stay reusable for three intervals.
    public var httpTarget: HTTPTarget {
        let timeout = timeoutSeconds
        let timeoutText = timeout == timeout.rounded() ? String(Int(timeout)) : String(timeout)
        return HTTPTarget(
            url: url, timeoutSeconds: timeoutSeconds, bodyLimitBytes: bodyLimitBytes, tls: tls,
            authorization: authorization, proxyURL: proxyURL, followRedirects: followRedirects,
            connectionMaxAgeSeconds: intervalSeconds * 3,
            headers: [
                "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1",
                "X-Prometheus-Scrape-Timeout-Seconds: \(timeoutText)",
            ])
    }
}
