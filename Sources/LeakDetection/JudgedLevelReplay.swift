import SoakModel

/// The detector replayed over one series' stored samples: the level it judged per bucket (the
/// post-GC floor for memory, the bucket mean for counts), where its segments started, and the
/// leak episodes it found, with the evidence of each.
///
/// It is how anything drawn after the fact (`soak report`'s charts, a judged-level series) shows
/// what the detector saw, and how a store with no recorded findings (filled by `soak import`)
/// gets them: the same ``SeriesDetector`` over the same samples gives the same verdicts as the
/// daemon would have.
///
/// ```swift
/// let replay = JudgedLevelReplay(timestampsMs: times, values: values, resource: .memory,
///                                configuration: .init())
/// for episode in replay.episodes { print(episode.alert.growthPercentPerHour) }
/// ```
public struct JudgedLevelReplay: Sendable {
    /// A segment start: the first sample, a restart, a version change, a gap, a collapse.
    public struct Boundary: Sendable, Hashable {
        public var timestampMs: Int64
        public var reason: SegmentBreak
        /// The version the caller attached to the segment, if any.
        public var version: String?

        public init(timestampMs: Int64, reason: SegmentBreak, version: String? = nil) {
            self.timestampMs = timestampMs
            self.reason = reason
            self.version = version
        }
    }

    /// One leak episode: raised once, then either resolved or still open at the end.
    public struct Episode: Sendable, Hashable {
        /// The evidence when the alert was raised.
        public var alert: LeakAssessment
        /// The latest evidence: at resolution, or at the last sample while still leaking.
        public var latest: LeakAssessment
        /// True when the detector resolved it before the samples ended.
        public var isResolved: Bool
    }

    /// Centre times of the closed buckets, ms since the epoch (parallel to ``levels``).
    public private(set) var levelTimestampsMs: [Int64] = []
    /// The judged level of each closed bucket.
    public private(set) var levels: [Double] = []
    /// Segment starts, in time order (the first is the first sample).
    public private(set) var boundaries: [Boundary] = []
    /// Leak episodes, in time order.
    public private(set) var episodes: [Episode] = []
    /// The verdict after the last sample.
    public private(set) var finalVerdict: LeakVerdict = .ok

    /// Replays `configuration`'s detector over samples in time order. `breaks` are the
    /// discontinuities the caller knows from elsewhere (restart and version markers): each starts
    /// a segment before the first sample at or after its time, as the daemon does on a marker.
    public init(timestampsMs: [Int64], values: [Double], resource: ResourceKind,
                configuration: DetectorConfiguration, limit: Double? = nil, breaks: [Boundary] = []) {
        precondition(timestampsMs.count == values.count, "parallel arrays")
        var detector = SeriesDetector(configuration: configuration, resource: resource, limit: limit)
        let pending = breaks.sorted { $0.timestampMs < $1.timestampMs }
        var nextBreak = 0
        var lastLevelMs = Int64.min
        var pendingVersion: String?
        levelTimestampsMs.reserveCapacity(timestampsMs.count / 10)
        levels.reserveCapacity(timestampsMs.count / 10)
        for index in timestampsMs.indices {
            let timestampMs = timestampsMs[index]
            while nextBreak < pending.count, pending[nextBreak].timestampMs <= timestampMs {
                let mark = pending[nextBreak]
                if index > 0 { detector.beginSegment(reason: mark.reason, version: mark.version) }
                pendingVersion = mark.version ?? pendingVersion
                nextBreak += 1
            }
            let event = detector.observe(timestampMs: timestampMs, value: values[index])
            // A bucket close need not produce an event; its level is read whenever it changed.
            if let level = detector.lastClosedBucketLevel, level.timestampMs != lastLevelMs {
                lastLevelMs = level.timestampMs
                levelTimestampsMs.append(level.timestampMs)
                levels.append(level.level)
            }
            if let event { record(event, atMs: timestampMs, version: pendingVersion) }
        }
        if let open = episodes.indices.last, !episodes[open].isResolved, let latest = detector.currentAssessment() {
            episodes[open].latest = latest
        }
        finalVerdict = detector.verdict
    }

    private mutating func record(_ event: DetectorEvent, atMs timestampMs: Int64, version: String?) {
        switch event {
        case .segmentStarted(let reason, _):
            boundaries.append(Boundary(timestampMs: timestampMs, reason: reason, version: version))
            closeOpenEpisode(resolvedBy: nil)
        case .leakAlert(let assessment):
            episodes.append(Episode(alert: assessment, latest: assessment, isResolved: false))
        case .resolved(let assessment):
            closeOpenEpisode(resolvedBy: assessment)
        case .suspected, .cleared:
            break
        }
    }

    /// A segment start ends an episode too: the detector forgets the old segment's trend.
    private mutating func closeOpenEpisode(resolvedBy assessment: LeakAssessment?) {
        guard let open = episodes.indices.last, !episodes[open].isResolved else { return }
        if let assessment { episodes[open].latest = assessment }
        episodes[open].isResolved = true
    }
}
