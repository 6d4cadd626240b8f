import LeakDetection
import MonitorState
import SeriesStore
import SoakModel

/// Everything a report shows, computed from a store; ``ReportPage`` turns it into HTML.
public struct ReportModel: Sendable {
    public var title: String
    public var generatedAtMs: Int64
    /// First and last sample time of the covered series.
    public var spanFromMs: Int64
    public var spanToMs: Int64
    public var seriesCount: Int
    public var sampleCount: Int
    public var components: [ReportComponent]
    public var versionChanges: [Marker]
    public var restarts: [Marker]
    public var scrapeHealth: [JobHealth]
    public var findings: [ReportFinding]
    public var comparison: ReportComparison?
    /// True when no finding came from the daemon and the detector was replayed for all of them.
    public var findingsReplayedOnly: Bool
}

/// One monitored process: a job/instance pair, with its small-multiple panels.
public struct ReportComponent: Sendable {
    /// `job/instance`, the daemon's target key.
    public var key: String
    public var job: String
    public var instance: String
    public var seriesCount: Int
    public var versions: [String]
    public var restartCount: Int
    public var panels: [ComponentPanel]
}

/// One small multiple: a resource of one component over the run, as min/max/mean per step.
public struct ComponentPanel: Sendable {
    public var kind: PanelKind
    public var series: SeriesKey
    public var buckets: [RollupBucket]
    /// True when a finding names this series.
    public var hasFinding: Bool
}

/// The five resources every component is drawn with.
public enum PanelKind: String, Sendable, CaseIterable {
    case memory, heap, fds, goroutines, threads

    /// Metric names that show this resource, in order of preference.
    public var metrics: [String] {
        switch self {
        case .memory: ["process_resident_memory_bytes", "container_memory_working_set_bytes", "container_memory_rss"]
        case .heap: ["go_memstats_heap_inuse_bytes", "go_memstats_heap_alloc_bytes", "jvm_memory_used_bytes"]
        case .fds: ["process_open_fds", "container_file_descriptors"]
        case .goroutines: ["go_goroutines"]
        case .threads: ["go_threads", "process_threads", "container_threads"]
        }
    }

    var isBytes: Bool { self == .memory || self == .heap }
}

/// Up ratio of one job's scrapes in the range.
public struct JobHealth: Sendable {
    public var job: String
    public var targets: Int
    public var scrapes: Int
    public var failures: Int
    public var lastError: String?
    public var upRatio: Double { scrapes == 0 ? 0 : Double(scrapes - failures) / Double(scrapes) }
}

/// A leak episode of one series, recorded by the daemon or found by replaying the detector.
public struct ReportFinding: Sendable {
    public enum Source: String, Sendable {
        /// The daemon recorded it (the `finding` table).
        case recorded
        /// The report found it by replaying the detector over the stored samples.
        case replayed
    }

    /// `F<id>` for recorded findings, `R<n>` for replayed ones: the page's anchor.
    public var anchor: String
    public var source: Source
    public var series: SeriesKey
    public var component: String
    public var resource: ResourceKind
    public var state: AlertState
    public var onsetMs: Int64
    public var alertMs: Int64
    public var resolvedMs: Int64?
    public var judgedMs: Int64
    public var slopePerHour: Double
    public var growthPercentPerHour: Double
    /// 95 % interval of the growth, %/h, from the judged levels of the window.
    public var growthInterval: ClosedRange<Double>?
    public var confidence: Double
    public var exhaustionMs: Int64?
    public var limit: Double?
    public var version: String?
    /// The window the trend was fitted over.
    public var windowStartMs: Int64
    public var evidence: [EvidenceLink]
    /// Each captured profile diffed against the target's baseline from before the onset (empty
    /// for replayed findings and findings without evidence).
    public var rootCauses: [EvidenceRootCause] = []
    /// What the chart draws.
    public var chart: FindingChartData
}

/// A file of evidence beside the report (or why there is none).
public struct EvidenceLink: Sendable {
    public var name: String
    /// Relative link from the page; nil when no file was written (failed fetch, no directory).
    public var href: String?
    public var byteCount: Int
    public var note: String?
}

/// The series behind a finding's chart.
public struct FindingChartData: Sendable {
    /// Raw range per chart step.
    public var buckets: [RollupBucket]
    /// The detector's judged level per bucket (floor or mean).
    public var levelTimestampsMs: [Int64]
    public var levels: [Double]
    /// Segment starts worth marking (restarts, version changes, gaps, collapses).
    public var boundaries: [JudgedLevelReplay.Boundary]
    /// The fitted trend: value at the window start and slope per hour.
    public var trendStartValue: Double?
    public var isBytes: Bool
}

/// The comparison section: the `soak compare` document plus overlay series from the store.
public struct ReportComparison: Sendable {
    public var document: ComparisonDocument
    /// Per row (same order as the document's), each side's series as (hours since start, mean).
    public var overlays: [ComparisonOverlay?]
}

/// Both versions of one compared row on a common "hours since start" axis.
public struct ComparisonOverlay: Sendable {
    public var baseline: [[(hours: Double, value: Double)]]
    public var candidate: [[(hours: Double, value: Double)]]
}
