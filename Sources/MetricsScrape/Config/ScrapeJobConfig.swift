import HTTPClient
import SoakModel

/// One `scrape_configs` entry: how to scrape a job's targets and where they come from.
public struct ScrapeJobConfig: Sendable, Hashable {
    public var jobName: String
    /// A Kubernetes component preset that supplied defaults (scheme, port, path, discovery role).
    public var preset: KubernetesPreset?
    public var scheme: String = "http"
    public var metricsPath: String = "/metrics"
    /// URL query parameters (`params: {module: [kube]}`).
    public var params: [String: [String]] = [:]
    public var scrapeIntervalSeconds: Double
    public var scrapeTimeoutSeconds: Double
    public var bodyLimitBytes: Int
    public var tls = TLSSettings()
    public var authorization: HTTPAuthorization = .none
    public var proxyURL: String?
    public var followRedirects = true
    public var staticConfigs: [StaticConfig] = []
    public var kubernetesSDConfigs: [KubernetesSDConfig] = []
    /// Target relabeling (`relabel_configs`), applied to discovered label sets before scraping.
    public var relabelConfigs: [RelabelRule] = []
    public var metricRelabelConfigs: [RelabelRule] = []
    /// True keeps every metric; false applies ``MetricNameFilter/leakDetectionDefaults``.
    public var keepAllMetrics: Bool
    /// Extra metric-name patterns kept on top of the default keep-list (`keep_metrics`).
    public var keepMetrics: [AnchoredRegex] = []

    public init(jobName: String, global: GlobalConfig = GlobalConfig(), keepAllMetrics: Bool = false) {
        self.jobName = jobName
        self.scrapeIntervalSeconds = global.scrapeIntervalSeconds
        self.scrapeTimeoutSeconds = min(global.scrapeTimeoutSeconds, global.scrapeIntervalSeconds)
        self.bodyLimitBytes = global.bodyLimitBytes
        self.keepAllMetrics = keepAllMetrics
    }

    /// The per-sample pipeline this job's targets run.
    public var metricRelabeling: MetricRelabeling {
        MetricRelabeling(nameFilter: keepAllMetrics ? nil : .leakDetectionDefaults(adding: keepMetrics),
                         rules: metricRelabelConfigs)
    }

    /// Turns discovered (or static) label sets into scrape targets, as Prometheus does:
    /// add `job`, `__scheme__`, `__metrics_path__`, `__param_*`; run `relabel_configs`; drop the
    /// set if relabeling dropped it or left no `__address__`; default `instance` to the address;
    /// remove every `__`-prefixed label; build the URL.
    public func targets(from labelSets: [LabelSet]) -> [ScrapeTarget] {
        var seen = Set<String>()
        var targets: [ScrapeTarget] = []
        for discovered in labelSets {
            var set = discovered
            if set["job"] == nil { set["job"] = jobName }
            if set["__scheme__"] == nil { set["__scheme__"] = scheme }
            if set["__metrics_path__"] == nil { set["__metrics_path__"] = metricsPath }
            for (name, values) in params.sorted(by: { $0.key < $1.key }) where set["__param_\(name)"] == nil {
                set["__param_\(name)"] = values.first
            }
            guard relabelConfigs.allSatisfy({ $0.apply(to: &set) }), var address = set["__address__"] else { continue }
            let scheme = set["__scheme__"] ?? scheme
            if !Self.hasPort(address), let port = preset?.port { address += ":\(port)" }
            if set["instance"] == nil { set["instance"] = address }
            var query: [String] = []
            for (name, values) in params.sorted(by: { $0.key < $1.key }) {
                let first = set["__param_\(name)"] ?? values.first ?? ""
                query.append("\(name)=\(first)")
                for value in values.dropFirst() { query.append("\(name)=\(value)") }
            }
            var url = "\(scheme)://\(address)\(set["__metrics_path__"] ?? metricsPath)"
            if !query.isEmpty { url += "?" + query.joined(separator: "&") }
            set.removeAll { $0.name.hasPrefix("__") }
            let target = ScrapeTarget(url: url, labels: set.labels, intervalSeconds: scrapeIntervalSeconds,
                                      timeoutSeconds: scrapeTimeoutSeconds, bodyLimitBytes: bodyLimitBytes, tls: tls,
                                      authorization: authorization, proxyURL: proxyURL,
                                      followRedirects: followRedirects, metricRelabeling: metricRelabeling)
            if seen.insert(target.identity).inserted { targets.append(target) }
        }
        return targets
    }

    static func hasPort(_ address: String) -> Bool {
        if address.hasPrefix("[") { return address.contains("]:") }
        return address.contains(":")
    }
}
