/// The `storage:` section: where `soak run` keeps its database and how long data lives.
///
/// ```yaml
/// storage:
///   path: /var/lib/soak/soak.db
///   flush_interval: 10s      # samples are durable within this interval
///   raw_retention: 90d       # raw samples; 5-minute rollups outlive them
///   rollup_retention: 2y
/// ```
public struct StorageSection: Sendable, Hashable {
    /// The SQLite file; relative paths are relative to the working directory.
    public var path: String = "soak.db"
    public var flushIntervalSeconds: Double = 10
    public var rawRetentionSeconds: Double = 90 * 86_400
    public var rollupRetentionSeconds: Double = 730 * 86_400

    public init() {}
}

/// The `detection:` section: which detector preset, which overrides, which extra metrics.
///
/// ```yaml
/// detection:
///   preset: default            # or `compressed` (every time constant / 60, for demos and tests)
///   bucket: 5m                 # overrides, all optional
///   window_buckets: 48
///   warm_up: 1h
///   leak_z: 2.75
///   minimum_growth_percent_per_hour: 0.25
///   confirm_buckets: 2
///   resolve_buckets: 6
///   resources:                 # extra metrics to watch, by resource kind
///     my_cache_bytes: memory
///   limits:                    # the metric bounding a watched metric (same labels)
///     my_cache_bytes: my_cache_limit_bytes
/// ```
public struct DetectionSection: Sendable, Hashable {
    /// A named starting point for every detector setting.
    public enum Preset: String, Sendable, Hashable, CaseIterable {
        /// Production time scale: 5-minute buckets, 4-hour windows.
        case `default`
        /// Every time constant divided by 60: 1-s scrapes, windows of minutes.
        case compressed
    }

    public var preset: Preset = .default
    public var bucketSeconds: Double?
    public var windowBuckets: Int?
    public var warmUpSeconds: Double?
    public var scrapeGapSeconds: Double?
    public var leakZ: Double?
    public var suspectZ: Double?
    public var minimumGrowthPercentPerHour: Double?
    public var confirmBuckets: Int?
    public var resolveBuckets: Int?
    /// Extra watched metric names → resource kind (`memory`, `fds`, `goroutines`, `threads`, `other`).
    public var resources: [String: String] = [:]
    /// Watched metric name → the metric carrying its limit.
    public var limits: [String: String] = [:]

    /// The resource kinds `resources` may name.
    public static let resourceKinds: [String] = ["memory", "fds", "goroutines", "threads", "other"]

    public init() {}
}

/// The `web:` section: where the monitor's own HTTP surface listens.
public struct WebSection: Sendable, Hashable {
    /// `host:port`; loopback by default so nothing is exposed unless asked for.
    public var listenAddress: String = "127.0.0.1:9847"
    /// When set, every endpoint but the ``publicPaths`` requires `Authorization: Bearer <file contents>`.
    public var bearerTokenFile: String?
    /// Paths served without the token (`public_paths`): the probes by default; add `/metrics`
    /// so a Prometheus that does not hold the token can scrape the monitor. Only
    /// ``WebSection/publicPathChoices`` may be listed: the API stays behind the token.
    public var publicPaths: [String] = WebSection.defaultPublicPaths

    /// The probes: kubelets and load balancers cannot easily present a secret.
    public static let defaultPublicPaths = ["/healthz", "/-/ready"]
    /// What `public_paths` may name: the probes and the monitor's own metrics.
    public static let publicPathChoices = ["/metrics", "/healthz", "/-/ready"]

    public init() {}
}

/// The `evidence:` section: what to fetch from a Go component when one of its series is found
/// leaking, kept with the finding (`/api/v1/findings/{id}` lists it).
///
/// ```yaml
/// evidence:
///   pprof: true                # off by default: profiling endpoints are often disabled or guarded
///   jobs: [kube-apiserver]     # optional; default: every target whose scrape shows go_* metrics
///   timeout: 30s
///   max_bytes: 33554432        # per document; larger answers are recorded as failed
///   reuse_within: 5m           # several leaks of one target share one fetch
///   profiles:                  # name: path on the target's server (these are the defaults)
///     heap: /debug/pprof/heap
///     goroutine: /debug/pprof/goroutine?debug=1
/// ```
///
/// Documents are fetched with the target's own TLS, credentials and proxy settings.
public struct EvidenceSection: Sendable, Hashable {
    /// One document to fetch: its name in the finding and its path on the target's server.
    public struct Profile: Sendable, Hashable {
        public var name: String
        public var path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public var pprof = false
    /// Jobs to fetch from; empty means every target that exposes Go runtime metrics.
    public var jobs: [String] = []
    public var timeoutSeconds: Double = 30
    public var maxBytes = 32 * 1024 * 1024
    public var reuseWithinSeconds: Double = 300
    public var profiles: [Profile] = EvidenceSection.goProfiles

    /// A heap profile (gzipped protobuf, for `go tool pprof`) and a goroutine dump grouped by
    /// stack (text): what a Go memory or goroutine leak is diagnosed from.
    public static let goProfiles = [
        Profile(name: "heap", path: "/debug/pprof/heap"),
        Profile(name: "goroutine", path: "/debug/pprof/goroutine?debug=1"),
    ]

    public init() {}
}
