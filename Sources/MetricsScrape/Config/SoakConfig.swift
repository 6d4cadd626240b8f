import ConfigSupport
import HTTPClient
import SoakModel

/// The scrape side of a SoakMonitor configuration file: Prometheus' `global` and `scrape_configs`
/// (a subset users can paste from their Prometheus) plus SoakMonitor's `keep_all_metrics` switch.
/// The daemon's sections (`storage`, `detection`, `alerting`, `evidence`, `web`) are read by
/// SoakDaemon's `MonitorConfigFile` from the same document (``read(_:checkFiles:otherSections:)``).
public struct SoakConfig: Sendable {
    /// The file it was loaded from (for messages).
    public var file: String
    public var global: GlobalConfig
    /// Keep every scraped metric instead of the leak-detection keep-list (default false;
    /// a job's own `keep_all_metrics` overrides it).
    public var keepAllMetrics: Bool
    public var scrapeConfigs: [ScrapeJobConfig]
    public init(file: String, global: GlobalConfig = GlobalConfig(), keepAllMetrics: Bool = false,
                scrapeConfigs: [ScrapeJobConfig] = []) {
        self.file = file
        self.global = global
        self.keepAllMetrics = keepAllMetrics
        self.scrapeConfigs = scrapeConfigs
    }

    /// Reads and validates `path` (scrape sections only). Throws every problem found, each with
    /// file, line and YAML path.
    /// - Parameter checkFiles: also require that referenced CA, certificate, key and credentials
    ///   files exist (on by default; off to validate a config meant for another machine).
    public static func load(path: String, checkFiles: Bool = true) throws(ConfigError) -> SoakConfig {
        guard let text = readTextFile(path) else {
            throw ConfigError(problems: [ConfigProblem(file: path, line: 0, path: "", message: "cannot read file")])
        }
        return try parse(yaml: text, file: path, checkFiles: checkFiles)
    }

    /// Validates YAML text that holds only scrape sections; `file` names it in messages.
    public static func parse(yaml: String, file: String, checkFiles: Bool = true) throws(ConfigError) -> SoakConfig {
        try ConfigLoader(file: file, checkFiles: checkFiles).load(yaml: yaml)
    }

    /// Reads the scrape side of a composed document, recording problems in the root's log, and
    /// returns the cursors of the `otherSections` present for their owners to read.
    public static func read(_ root: YAMLCursor, checkFiles: Bool, otherSections: Set<String>)
        -> (config: SoakConfig, sections: [String: YAMLCursor]) {
        ConfigLoader(file: root.log.file, checkFiles: checkFiles, log: root.log).readRoot(root, otherSections: otherSections)
    }

    /// Every target of every job's `static_configs`; discovered targets come from ``KubernetesDiscovery``.
    public func staticTargets() -> [ScrapeTarget] {
        scrapeConfigs.flatMap { job in job.targets(from: job.staticConfigs.map { $0.labelSets(job: job) }.flatMap { $0 }) }
    }
}

/// `global`: defaults every job inherits.
public struct GlobalConfig: Sendable, Hashable {
    /// Prometheus' default is 1m.
    public var scrapeIntervalSeconds: Double = 60
    /// Prometheus' default is 10s; never more than the interval.
    public var scrapeTimeoutSeconds: Double = 10
    /// Labels naming this monitor (e.g. `cluster: verification-3`); SoakMonitor puts them on
    /// alerts and reports, not on stored samples (as Prometheus keeps them off its TSDB).
    public var externalLabels: [Label] = []
    public var bodyLimitBytes: Int = ScrapeTarget.defaultBodyLimitBytes

    public init() {}
}

/// One `static_configs` entry: addresses and the labels they share.
public struct StaticConfig: Sendable, Hashable {
    public var targets: [String]
    public var labels: [Label]

    public init(targets: [String], labels: [Label] = []) {
        self.targets = targets
        self.labels = labels
    }

    /// One label set per address, as discovery would produce (`__address__` plus the group's labels).
    func labelSets(job: ScrapeJobConfig) -> [LabelSet] {
        targets.map { address in
            var set = LabelSet(labels)
            set["__address__"] = address
            return set
        }
    }
}
