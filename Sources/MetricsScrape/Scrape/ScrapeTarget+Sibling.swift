import HTTPClient

extension ScrapeTarget {
    /// The URL of `path` (which may carry a query) on the server this target is scraped from.
    ///
    /// The metrics path is replaced from its last `/metrics` on, so what sits in front of it is
    /// kept: `https://10.0.0.1:6443/metrics` gives `https://10.0.0.1:6443/debug/pprof/heap`,
    /// a kubelet reached through the API server's node proxy
    /// (`…/api/v1/nodes/n1/proxy/metrics/cadvisor`) gives `…/api/v1/nodes/n1/proxy/debug/pprof/heap`.
    /// A metrics path without `/metrics` is replaced whole. Nil for a URL that is not http(s).
    public func siblingURL(path: String) -> String? {
        guard let parts = URLParts(url), parts.scheme == "http" || parts.scheme == "https" else { return nil }
        let origin = String(decoding: url.utf8.dropLast(parts.rest.utf8.count), as: UTF8.self)
        var metricsPath = Substring(parts.rest)
        if let query = metricsPath.firstIndex(of: "?") { metricsPath = metricsPath[..<query] }
        let prefix = metricsPath.ranges(of: "/metrics").last.map { metricsPath[..<$0.lowerBound] } ?? ""
        return origin + prefix + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// This target with its URL pointing at `path` on the same server (``siblingURL(path:)``),
    /// keeping TLS, credentials, proxy and redirect settings: how evidence is fetched "the way
    /// the target is scraped". Timeout and size limit are the caller's, since a profile is
    /// slower and larger than a scrape.
    public func sibling(path: String, timeoutSeconds: Double, bodyLimitBytes: Int) -> ScrapeTarget? {
        guard let url = siblingURL(path: path) else { return nil }
        var target = self
        target.url = url
        target.timeoutSeconds = timeoutSeconds
        target.bodyLimitBytes = bodyLimitBytes
        target.metricRelabeling = MetricRelabeling()
        return target
    }
}
