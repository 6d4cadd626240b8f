import Foundation
import LeakDetection

/// What to put in a report: the time range and jobs to cover, how to judge series the daemon left
/// no findings for, and an optional `soak compare` result.
public struct ReportRequest: Sendable {
    /// Inclusive range of sample times, ms since the epoch.
    public var fromMs: Int64 = .min
    public var toMs: Int64 = .max
    /// Jobs to cover (the `job` label); empty covers every job.
    public var jobs: [String] = []
    /// The detector replayed over stored samples (the daemon's preset, or `.timeCompressed` for
    /// runs recorded at 1–2 s).
    public var detector = DetectorConfiguration()
    /// Which metrics are which resource, and their limits.
    public var classifier = ResourceClassifier()
    /// The comparison section's content, when comparison arguments were given.
    public var comparison: ComparisonDocument?
    /// The page's heading.
    public var title = "Soak report"
    /// Where evidence files (heap profiles, goroutine dumps) are written; nil writes none and
    /// lists them without links.
    public var evidenceDirectory: URL?
    /// The relative link from the page to ``evidenceDirectory`` (e.g. `report-evidence`).
    public var evidenceLink = ""
    /// When the report is generated, ms since the epoch (shown in the footer).
    public var generatedAtMs = Int64((Date().timeIntervalSince1970 * 1000).rounded())

    public init() {}
}
