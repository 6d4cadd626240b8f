/// Why a series' statistics started afresh. Trend statistics never straddle a segment: a restart
/// frees leaked memory, and a new version is a different program.
public enum SegmentBreak: String, Sendable, Hashable {
    /// The first sample of the series.
    case firstSample
    /// `process_start_time_seconds` changed (signalled by the caller).
    case restart
    /// The value fell below ``DetectorConfiguration/collapseFraction`` of the floor: a restart the
    /// caller did not see, or a counter reset.
    case valueCollapse
    /// No sample for longer than ``DetectorConfiguration/scrapeGapSeconds``.
    case scrapeGap
    /// The component's version changed (signalled by the caller).
    case versionChange
    /// A timestamp went backwards; the series cannot be trended across it.
    case timeWentBackwards
}
