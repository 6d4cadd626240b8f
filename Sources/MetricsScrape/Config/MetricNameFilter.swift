import SoakModel

/// Which metric names a job keeps before anything else is done with a scrape.
///
/// Leak detection needs a few dozen series per component (memory, file descriptors, goroutines,
/// threads, build info); a kubelet's cAdvisor endpoint exposes tens of thousands. Filtering by
/// name first keeps a weeks-long store small and relabeling cheap. `keep_all_metrics: true`
/// turns the filter off.
public struct MetricNameFilter: Sendable, Hashable {
    /// Names kept exactly.
    public var exactNames: Set<String>
    /// Names kept by prefix (`process_` keeps `process_resident_memory_bytes`).
    public var prefixes: [String]
    /// Extra user patterns (`keep_metrics`), fully anchored.
    public var patterns: [AnchoredRegex]

    public init(exactNames: Set<String> = [], prefixes: [String] = [], patterns: [AnchoredRegex] = []) {
        self.exactNames = exactNames
        self.prefixes = prefixes
        self.patterns = patterns
    }

    /// What leak detection reads: process and Go runtime resources, container resources from
    /// cAdvisor, and build/version info to tell an upgrade from a leak.
    public static let leakDetectionDefaults = MetricNameFilter(
        exactNames: [
            "go_goroutines", "go_threads", "go_info",
            "container_memory_working_set_bytes", "container_memory_rss",
            "container_file_descriptors", "container_sockets", "container_threads",
            "container_spec_memory_limit_bytes",
            "kubernetes_build_info", "etcd_server_version", "coredns_build_info",
            "prometheus_build_info", "node_exporter_build_info",
            "process_start_time_seconds",
        ],
        prefixes: ["process_", "go_memstats_"]
    )

    /// The default list plus `patterns`.
    public static func leakDetectionDefaults(adding patterns: [AnchoredRegex]) -> MetricNameFilter {
        var filter = leakDetectionDefaults
        filter.patterns = patterns
        return filter
    }

    /// True when a sample named `name` (full series name, e.g. `go_memstats_alloc_bytes_total`) is kept.
    public func keeps(_ name: String) -> Bool {
        if exactNames.contains(name) { return true }
        for prefix in prefixes where name.hasPrefix(prefix) { return true }
        for pattern in patterns where pattern.matches(name) { return true }
        return false
    }
}
