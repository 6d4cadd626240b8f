import SoakModel

/// A registered series' slot in a ``DetectorBank``: resolve the key once, then feed samples by handle
/// so the per-sample path does no hashing.
public struct SeriesHandle: Hashable, Sendable {
    /// Position in the bank's registration order.
    public let index: Int
}

/// The detectors of every watched series, plus the side channels that inform them: limit
/// metrics (`process_max_fds`, `container_spec_memory_limit_bytes`) feed the exhaustion
/// projection, and a change of `process_start_time_seconds` starts a new segment. A limit or
/// start time applies to the series with exactly the same labels (apart from the name): the
/// canonical label set of ``SeriesKey``, compared as it is.
///
/// Used by `soak analyze` to replay a file and by the daemon to replay stored history on
/// restart and then follow live scrapes — the same code path, so both see the same alerts.
public struct DetectorBank: Sendable {
    /// The configuration every new detector gets.
    public let configuration: DetectorConfiguration
    /// Which metric names are watched and what limits them.
    public let classifier: ResourceClassifier
    /// Also watch metrics the classifier does not know, as ``ResourceKind/other``.
    public let watchesUnclassified: Bool
    /// Name of the metric whose change means a restart.
    public static let startTimeMetric = "process_start_time_seconds"
    /// Segment summaries kept per series (oldest dropped first).
    public static let retainedSegments = 32

    private enum Role: Sendable {
        case detector(Int)
        case limit(identity: [Label], metric: String)
        case startTime(identity: [Label])
        case ignored
    }

    private var handles: [SeriesKey: SeriesHandle] = [:]
    private var roles: [Role] = []
    /// Keys of the watched series, by detector index.
    public private(set) var watchedKeys: [SeriesKey] = []
    private var detectors: [SeriesDetector] = []
    private var segmentHistory: [[SegmentSummary]] = []
    private var membersByIdentity: [[Label]: [Int]] = [:]
    private var startTimes: [[Label]: Double] = [:]
    private var limits: [[Label]: [String: Double]] = [:]

    /// An empty bank; detectors are created as series are registered with ``handle(for:)``.
    public init(configuration: DetectorConfiguration = .init(), classifier: ResourceClassifier = .init(),
                watchesUnclassified: Bool = false) {
        self.configuration = configuration
        self.classifier = classifier
        self.watchesUnclassified = watchesUnclassified
    }

    /// The handle of `key`, registering it on first sight. Every key gets a handle; samples of
    /// series that are neither watched nor informative are simply dropped by ``observe(_:timestampMs:value:)``.
    public mutating func handle(for key: SeriesKey) -> SeriesHandle {
        if let known = handles[key] { return known }
        let handle = SeriesHandle(index: roles.count)
        handles[key] = handle
        if key.metric == Self.startTimeMetric {
            roles.append(.startTime(identity: key.labels))
        } else if classifier.isLimitMetric(key.metric) && classifier.kind(of: key.metric) == nil {
            roles.append(.limit(identity: key.labels, metric: key.metric))
        } else if let kind = classifier.kind(of: key.metric) ?? (watchesUnclassified ? .other : nil) {
            let index = detectors.count
            var detector = SeriesDetector(configuration: configuration, resource: kind)
            if let limitName = classifier.limitMetric(for: key.metric) {
                detector.limit = limits[key.labels]?[limitName]
            }
            detectors.append(detector)
            watchedKeys.append(key)
            segmentHistory.append([])
            membersByIdentity[key.labels, default: []].append(index)
            roles.append(.detector(index))
        } else {
            roles.append(.ignored)
        }
        return handle
    }

    /// Feeds one sample of the series behind `handle`; returns the watched series' index and its
    /// event when the sample changed something (limits and start times never return events).
    public mutating func observe(_ handle: SeriesHandle, timestampMs: Int64, value: Double)
        -> (series: Int, event: DetectorEvent)?
    {
        switch roles[handle.index] {
        case .detector(let index):
            // Through the buffer pointer the ~650-byte detector is mutated where it lives; the
            // plain subscript made the optimiser copy it out and back on every sample.
            let result = detectors.withUnsafeMutableBufferPointer { buffer in
                buffer[index].observe(timestampMs: timestampMs, value: value)
            }
            guard let event = result else { return nil }
            if case .segmentStarted(_, let closed?) = event { archive(closed, of: index) }
            return (index, event)
        case .limit(let identity, let metric):
            guard value.isFinite, value > 0 else { return nil }
            limits[identity, default: [:]][metric] = value
            for index in membersByIdentity[identity] ?? []
            where classifier.limitMetric(for: watchedKeys[index].metric) == metric {
                detectors[index].limit = value
            }
            return nil
        case .startTime(let identity):
            defer { startTimes[identity] = value }
            guard let previous = startTimes[identity], previous != value else { return nil }
            for index in membersByIdentity[identity] ?? [] {
                if let closed = detectors[index].beginSegment(reason: .restart) { archive(closed, of: index) }
            }
            return nil
        case .ignored:
            return nil
        }
    }

    /// Starts a new segment for every watched series with these labels (canonical, as
    /// ``SeriesKey/labels``): a new version was rolled out. Trends of different versions are then summarised separately.
    public mutating func beginVersion(_ version: String, forLabels labels: [Label]) {
        for index in membersByIdentity[labels] ?? [] {
            if let closed = detectors[index].beginSegment(reason: .versionChange, version: version) {
                archive(closed, of: index)
            }
        }
    }

    private mutating func archive(_ summary: SegmentSummary, of index: Int) {
        segmentHistory[index].append(summary)
        if segmentHistory[index].count > Self.retainedSegments { segmentHistory[index].removeFirst() }
    }

    /// Number of watched series.
    public var watchedCount: Int { detectors.count }

    /// The detector of watched series `index`.
    public func detector(_ index: Int) -> SeriesDetector { detectors[index] }

    /// Ended segments of watched series `index` (oldest first), then the current one.
    public func segments(_ index: Int) -> [SegmentSummary] {
        segmentHistory[index] + [detectors[index].currentSegment]
    }
}
