import SoakModel

/// Maps metric names to resource kinds and to the metric that carries their limit.
///
/// The defaults cover Prometheus' process collector, the Go runtime collector and cAdvisor;
/// operators add their own names with ``assign(_:to:)`` and ``setLimitMetric(_:for:)``.
public struct ResourceClassifier: Sendable, Hashable {
    private var kinds: [String: ResourceKind]
    private var limits: [String: String]

    /// The standard names.
    public init() {
        kinds = [
            "process_resident_memory_bytes": .memory,
            "process_virtual_memory_bytes": .memory,
            "go_memstats_heap_inuse_bytes": .memory,
            "go_memstats_heap_alloc_bytes": .memory,
            "go_memstats_alloc_bytes": .memory,
            "go_memstats_sys_bytes": .memory,
            "jvm_memory_used_bytes": .memory,
            "container_memory_working_set_bytes": .memory,
            "container_memory_rss": .memory,
            "container_memory_usage_bytes": .memory,
            "process_open_fds": .fileDescriptors,
            "container_file_descriptors": .fileDescriptors,
            "go_goroutines": .goroutines,
            "go_threads": .threads,
            "process_threads": .threads,
            "container_threads": .threads,
        ]
        limits = [
            "process_open_fds": "process_max_fds",
            "process_resident_memory_bytes": "container_spec_memory_limit_bytes",
            "container_memory_working_set_bytes": "container_spec_memory_limit_bytes",
            "container_memory_rss": "container_spec_memory_limit_bytes",
            "container_memory_usage_bytes": "container_spec_memory_limit_bytes",
            "container_threads": "container_threads_max",
        ]
    }

    /// The kind of `metricName`, or nil when the name is not watched.
    public func kind(of metricName: String) -> ResourceKind? { kinds[metricName] }

    /// Watches `metricName` as `kind`.
    public mutating func assign(_ metricName: String, to kind: ResourceKind) { kinds[metricName] = kind }

    /// The metric whose value (same labels apart from the name) bounds `metricName`, if any.
    public func limitMetric(for metricName: String) -> String? { limits[metricName] }

    /// Declares that `limitMetricName` bounds `metricName`.
    public mutating func setLimitMetric(_ limitMetricName: String, for metricName: String) {
        limits[metricName] = limitMetricName
    }

    /// True when some watched metric names `metricName` as its limit.
    public func isLimitMetric(_ metricName: String) -> Bool { limits.values.contains(metricName) }
}
