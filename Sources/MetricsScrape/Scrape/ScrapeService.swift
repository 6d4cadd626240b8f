import Logging

/// Everything a configuration asks to scrape, wired together: the ``Scraper``, the static
/// targets, and one ``KubernetesDiscovery`` per job with `kubernetes_sd_configs`, all feeding
/// one ``TargetRegistry``. This is the seam the daemon plugs into:
///
/// ```swift
/// let config = try SoakConfig.load(path: "/etc/soak/soak.yml")
/// let service = ScrapeService(config: config, logger: logger) { result in
///     outbox.enqueue(result.allSamples)   // keep it short: runs on the scrape thread
/// }
/// service.start()
/// // … on SIGTERM:
/// service.stop()
/// ```
public final class ScrapeService: @unchecked Sendable {
    public let config: SoakConfig
    public let scraper: Scraper
    public let registry: TargetRegistry
    public let discoveries: [KubernetesDiscovery]

    public init(config: SoakConfig, logger: Logger = Logger(label: "soak.scrape"),
                onResult: @escaping Scraper.ResultHandler) {
        self.config = config
        let scraper = Scraper(logger: logger, onResult: onResult)
        let registry = TargetRegistry { scraper.setTargets($0) }
        self.scraper = scraper
        self.registry = registry
        self.discoveries = config.scrapeConfigs.filter { !$0.kubernetesSDConfigs.isEmpty }.map { job in
            KubernetesDiscovery(job: job, logger: logger) { registry.update(source: "kubernetes/\(job.jobName)", targets: $0) }
        }
    }

    /// Starts scraping the static targets at once and the discovered ones as each discovery
    /// reports them.
    public func start() {
        registry.update(source: "static", targets: config.staticTargets())
        scraper.start()
        for discovery in discoveries { discovery.start() }
    }

    /// Stops discovery, then scraping; returns when both threads have ended.
    public func stop() {
        for discovery in discoveries { discovery.stop() }
        scraper.stop()
    }
}
