import MonitorState
import SoakModel
import Foundation
import LeakDetection
import MonitorState
import Logging
import MetricsScrape
import SeriesStore

/// The monitor's heart: each ``ScrapeResult`` is stored, its leak-relevant series are fed to the
/// detector bank, and the bank's verdicts become findings and notifications.
///
/// Two jobs, two files: this one ingests (live scrapes and the replay on resume) and feeds the
/// detectors; `MonitorPipeline+Episodes.swift` turns detector events into episodes (findings,
/// their lifecycle, notifications).
///
/// ```
/// ScrapeResult ─▶ markers (restart, version) ─▶ MonitorDatabase (samples, up/scrape_*, health, markers)
///              └▶ DetectorBank (resource series, limits, start times) ─▶ findings ─▶ AlertOutbox
/// ```
///
/// One leak **episode** of one series is one finding: announced once when the detector confirms
/// it, re-sent every resend interval while it fires, resolved once when the detector says it
/// stopped growing or a restart, a value collapse or a new version ends the segment it grew in.
/// Findings are written to the database before their notification is enqueued, and ``resume()``
/// reads them back and replays recent samples, so a restart neither forgets nor re-announces.
///
/// Not thread-safe by itself: an actor. Feed it from one task (``ingest(_:)``), call ``tick()``
/// about once a second.
public actor MonitorPipeline {
    public nonisolated let configuration: MonitorConfiguration
    public nonisolated let database: MonitorDatabase
    public nonisolated let outbox: AlertOutbox
    let logger: Logger
    let clock: @Sendable () -> Date
    /// The monitor's own metrics (swift-metrics; `/metrics` shows them when the executable
    /// bootstrapped the Prometheus backend, otherwise they go nowhere).
    let metrics: SoakMetrics

    var bank: DetectorBank
    /// Per target key (`job/instance`).
    var targets: [String: TargetState] = [:]
    /// Watched detector index → its target's key and series key.
    var watchedTarget: [Int: String] = [:]
    var watchedIndex: [SeriesKey: Int] = [:]
    /// Watched indices that have started a segment.
    private var segmented: Set<Int> = []
    /// The firing episodes, by series.
    var open: [SeriesKey: OpenEpisode] = [:]
    /// Episodes that ended, by series: lets a replay recognise an episode already announced.
    var past: [SeriesKey: [FindingRecord]] = [:]
    var replaying = false
    var startedMs: Int64 = 0
    /// Set when ``resume()`` has finished: the store is open and the detectors are rebuilt.
    var resumed = false
    private var storeFailures = 0
    /// The latest evidence fetch per target key: several leaks of one target within
    /// `evidence.reuseWithinSeconds` share it instead of asking the component again.
    var evidenceFetches: [String: EvidenceFetch] = [:]
    /// Writes of fetched evidence not yet finished, by a running number (``waitForEvidence()``
    /// awaits them; each removes itself when done).
    var evidenceWrites: [Int: Task<Void, Never>] = [:]
    var evidenceWriteCount = 0
    /// When each Go target's next baseline capture is due (Unix ms), by target key.
    var baselineDueMs: [String: Int64] = [:]
    /// Root causes of findings whose evidence has been diffed, by finding id.
    var rootCauseCache: [Int64: [EvidenceRootCause]] = [:]

    /// What the pipeline remembers about one target between scrapes.
    struct TargetState {
        var status: TargetStatus
        var startTime: Double?
        /// The label sets of its watched series: what a version change breaks.
        var identities: Set<[Label]> = []
        /// How it is scraped (URL, TLS, credentials): what evidence is fetched with.
        var scrapeTarget: ScrapeTarget?
        /// Its scrapes showed `go_*` metrics, so it serves Go's pprof endpoints if any.
        var runsGo = false
    }

    /// A firing episode and whether the detector has confirmed it since the last restart or gap.
    struct OpenEpisode {
        var record: FindingRecord
        /// True after a resume or a scrape gap until the detector says leak again; if it says
        /// "no leak" instead, the episode ended while nobody watched.
        var awaitingConfirmation: Bool
    }

    /// - Parameters:
    ///   - notifiers: the receivers; by default those of `configuration.alerting`.
    ///   - outboxStorage: where notifications wait; by default the database's outbox table.
    ///   - clock: the wall clock; tests may pin it. Sample times come from the scrapes.
    public init(configuration: MonitorConfiguration, database: MonitorDatabase,
                notifiers: [any AlertNotifier]? = nil, outboxStorage: (any OutboxStorage)? = nil,
                logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.clock = clock
        let metrics = SoakMetrics()
        self.metrics = metrics
        self.outbox = AlertOutbox(
            storage: outboxStorage ?? StoredOutboxStorage(database: database),
            notifiers: try (notifiers ?? configuration.alerting.makeNotifiers()).map { MeteredNotifier(base: $0, metrics: metrics) },
            backoff: configuration.alerting.backoff, logger: logger)
        bank = DetectorBank(configuration: configuration.detector, classifier: configuration.classifier)
    }

    // MARK: Live path

    /// Stores one scrape and feeds its leak-relevant samples to the detectors.
    public func ingest(_ result: ScrapeResult) async {
        let key = Self.targetKey(result.target.labels)
        var state = targets[key] ?? TargetState(status: TargetStatus(
            key: key, labels: Dictionary(result.target.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }), url: result.target.redactedURL, up: false,
            lastScrape: nil, lastDurationSeconds: 0, lastSamples: 0, lastError: nil, version: nil, lastRestart: nil))
        logTransition(of: key, from: targets[key]?.status, to: result)
        state.status.samplesOutOfBounds = result.samplesOutOfBounds
        state.status.up = result.up
        state.status.lastScrape = Self.date(result.timestampMs)
        state.status.lastDurationSeconds = result.durationSeconds
        state.status.lastSamples = result.samplesScraped
        state.status.lastError = result.error?.description
        state.scrapeTarget = result.target
        if !state.runsGo, result.samples.contains(where: { $0.name.hasPrefix("go_") }) { state.runsGo = true }

        var markers: [Marker] = []
        if let version = ComponentVersion.version(in: result.samples), version != state.status.version {
            markers.append(Marker(kind: .versionChange, target: key, timestampMs: result.timestampMs, detail: version))
            if let previous = state.status.version {
                logger.notice("version change", metadata: ["target": "\(key)", "from": "\(previous)", "to": "\(version)"])
            }
            state.status.version = version
            for identity in state.identities { bank.beginVersion(version, forLabels: identity) }
        }
        if let start = result.samples.first(where: { $0.name == DetectorBank.startTimeMetric })?.value {
            if let previous = state.startTime, previous != start {
                markers.append(Marker(kind: .restart, target: key, timestampMs: result.timestampMs,
                                      detail: "process_start_time_seconds \(Self.decimal(previous)) -> \(Self.decimal(start))"))
                state.status.lastRestart = Self.date(result.timestampMs)
                logger.notice("target restarted", metadata: ["target": "\(key)"])
            }
            state.startTime = start
        }
        targets[key] = state
        captureBaselineIfDue(target: key, nowMs: result.timestampMs)

        if result.up {
            metrics.scrapeSucceeded(job: result.target.job, durationSeconds: result.durationSeconds)
        } else {
            metrics.scrapeFailed(job: result.target.job, durationSeconds: result.durationSeconds)
        }
        do {
            let outcome = try await database.ingest(result, target: key, markers: markers)
            metrics.samplesIngested(outcome.appended)
            metrics.seriesTracked(outcome.seriesCount)
            if let seconds = outcome.flushSeconds { metrics.storeFlushed(seconds: seconds) }
            storeFailures = 0
        } catch {
            storeFailures += 1
            // Unflushed samples stay in memory and the next flush retries; say so once per streak.
            if storeFailures == 1 { logger.error("store write failed; retrying at the next flush", metadata: ["error": "\(error)"]) }
        }

        // Start times first: a restart must break the segments before this scrape's values land.
        let relevant = result.samples.filter { isRelevant($0.name) }
            .sorted { ($0.name == DetectorBank.startTimeMetric ? 0 : 1) < ($1.name == DetectorBank.startTimeMetric ? 0 : 1) }
        for sample in relevant {
            await feed(SeriesKey(metric: sample.name, labels: sample.labels), target: key,
                       timestampMs: sample.timestampMs ?? result.timestampMs, value: sample.value)
        }
        // Scrape start to detector verdict: grows when the pipeline falls behind the scraper.
        metrics.detectorLag(seconds: clock().timeIntervalSince(Self.date(result.timestampMs)))
    }

    /// Delivers what is due in the outbox (the drainer calls this about once a second).
    @discardableResult
    public nonisolated func drainOutbox() async -> AlertOutbox.DrainReport {
        do {
            let report = try await outbox.deliverDue(now: clock())
            metrics.outboxPending(try await database.pendingOutbox().count)
            return report
        } catch {
            logger.error("outbox drain failed", metadata: ["error": "\(error)"])
            return AlertOutbox.DrainReport()
        }
    }

    // MARK: Resume

    /// Rebuilds the detector state from the database: the last known versions, the open and
    /// recently ended episodes, and a replay of the recent samples of every leak-relevant series
    /// in time order (restarts and version changes at their times). A replayed leak that is a
    /// known episode is not announced again; one that ended in the replayed history is resolved
    /// once; one the replay does not confirm is resolved when live data has judged it "no leak".
    public func resume() async throws {
        let nowMs = Self.ms(clock())
        startedMs = nowMs
        replaying = true
        defer { replaying = false }
        for record in try await database.findings(state: .firing) {
            open[record.series] = OpenEpisode(record: record, awaitingConfirmation: true)
        }
        for record in try await database.findings(state: .resolved, limit: 10_000) {
            past[record.series, default: []].append(record)
        }
        let fromMs = nowMs - Int64(configuration.replaySeconds * 1000)
        var versionMarkers = try await database.markers(kind: .versionChange)
        // Versions known before the replay window label the replayed segments' targets.
        for marker in versionMarkers where marker.timestampMs < fromMs { setVersion(marker.detail, of: marker.target) }
        versionMarkers.removeAll { $0.timestampMs < fromMs }

        let names = await database.metricNames().filter(isRelevant)
        let sliceMs: Int64 = 3_600_000
        var replayed = 0
        var markerIndex = 0
        var sliceStart = fromMs
        while sliceStart <= nowMs {
            let sliceEnd = min(sliceStart + sliceMs - 1, nowMs)
            let series = try await database.samples(metrics: names, fromMs: sliceStart, toMs: sliceEnd)
            var merged: [(timestampMs: Int64, series: Int, sample: Int)] = []
            for (s, samples) in series.enumerated() {
                for i in 0..<samples.count { merged.append((samples.timestampsMs[i], s, i)) }
            }
            // Stable by (time, start-time series first, series order) so a restart breaks before values land.
            let isStart = series.map { $0.series.key.metric == DetectorBank.startTimeMetric }
            merged.sort { ($0.timestampMs, isStart[$0.series] ? 0 : 1, $0.series) < ($1.timestampMs, isStart[$1.series] ? 0 : 1, $1.series) }
            for item in merged {
                while markerIndex < versionMarkers.count, versionMarkers[markerIndex].timestampMs <= item.timestampMs {
                    let marker = versionMarkers[markerIndex]
                    setVersion(marker.detail, of: marker.target)
                    for identity in targets[marker.target]?.identities ?? [] { bank.beginVersion(marker.detail, forLabels: identity) }
                    markerIndex += 1
                }
                let samples = series[item.series]
                let key = samples.series.key
                let target = Self.targetKey(key.labels)
                if key.metric == DetectorBank.startTimeMetric {
                    ensureTarget(target, labels: key.labels)
                    targets[target]?.startTime = samples.values[item.sample]
                }
                await feed(key, target: target, timestampMs: item.timestampMs, value: samples.values[item.sample])
                replayed += 1
            }
            sliceStart = sliceEnd + 1
        }
        for (key, episode) in open where episode.awaitingConfirmation {
            if let index = watchedIndex[key], bank.detector(index).verdict == .leak { open[key]?.awaitingConfirmation = false }
        }
        resumed = true
        logger.info("resumed from the database", metadata: [
            "replayed_samples": "\(replayed)", "watched_series": "\(bank.watchedCount)",
            "open_findings": "\(open.count)", "from": "\(RFC3339.string(from: Self.date(fromMs)))",
        ])
    }

    /// The target key of watched series `index`.
    func watchedTargetKey(_ index: Int) -> String? { watchedTarget[index] }

    /// Number of series the detectors watch.
    public var watchedSeriesCount: Int { bank.watchedCount }

    // MARK: Detector feeding

    private func isRelevant(_ name: String) -> Bool {
        name == DetectorBank.startTimeMetric || configuration.classifier.kind(of: name) != nil
            || configuration.classifier.isLimitMetric(name)
    }

    private func feed(_ key: SeriesKey, target: String, timestampMs: Int64, value: Double) async {
        let labels = key.labels
        let before = bank.watchedCount
        let handle = bank.handle(for: key)
        if bank.watchedCount > before {
            let index = bank.watchedCount - 1
            watchedTarget[index] = target
            watchedIndex[key] = index
            ensureTarget(target, labels: labels)
            targets[target]?.identities.insert(labels)
            if let version = targets[target]?.status.version {
                bank.beginVersion(version, forLabels: labels)
            }
        }
        guard let (index, event) = bank.observe(handle, timestampMs: timestampMs, value: value) else { return }
        let seriesKey = bank.watchedKeys[index]
        switch event {
        case .leakAlert(let assessment):
            await confirmed(seriesKey, index: index, assessment: assessment)
        case .resolved(let assessment):
            await end(seriesKey, atMs: assessment.judgedAtMs, reason: "stopped growing", assessment: assessment)
        case .segmentStarted(let reason, _):
            // A series' first segment ends nothing, whatever its reason says (a series first seen
            // after its target's version is known starts with `versionChange`). A break signalled
            // by a restart arrives with no closed summary, so the summary cannot tell them apart.
            guard segmented.insert(index).inserted == false else { break }
            switch reason {
            case .restart, .valueCollapse, .versionChange:
                await end(seriesKey, atMs: timestampMs, reason: reason.rawValue, assessment: nil)
            case .scrapeGap, .timeWentBackwards:
                open[seriesKey]?.awaitingConfirmation = true
            case .firstSample:
                break
            }
        case .suspected(let assessment):
            if !replaying {
                var metadata: Logger.Metadata = ["series": "\(Self.selector(seriesKey))",
                                                 "growth_percent_per_hour": "\(Self.decimal(assessment.growthPercentPerHour))"]
                // Why it is not (yet) a leak: a warm-up levelling off with this τ still explains it.
                if let tau = assessment.possibleWarmUpTimeConstantSeconds {
                    metadata["waiting_for_possible_warm_up_tau_seconds"] = "\(Self.decimal(tau))"
                }
                logger.debug("suspect trend", metadata: metadata)
            }
        case .cleared:
            break
        }
    }

    private func ensureTarget(_ key: String, labels: [Label]) {
        if targets[key] == nil {
            var targetLabels: [String: String] = [:]
            for label in labels where label.name == "job" || label.name == "instance" { targetLabels[label.name] = label.value }
            targets[key] = TargetState(status: TargetStatus(
                key: key, labels: targetLabels, url: "", up: false, lastScrape: nil, lastDurationSeconds: 0,
                lastSamples: 0, lastError: nil, version: nil, lastRestart: nil))
        }
    }

    private func setVersion(_ version: String, of target: String) {
        if targets[target] == nil {
            let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
            ensureTarget(target, labels: [Label("instance", parts.count > 1 ? parts[1] : ""), Label("job", parts.first ?? "")])
        }
        targets[target]?.status.version = version
    }

    // MARK: Helpers

    /// `job/instance`: how health rows, markers and `/api/v1/targets` name a target.
    static func targetKey(_ labels: [Label]) -> String {
        var job = "", instance = ""
        for label in labels {
            if label.name == "job" { job = label.value } else if label.name == "instance" { instance = label.value }
        }
        return "\(job)/\(instance)"
    }

    static func selector(_ key: SeriesKey) -> String { key.description }

    static func ms(_ date: Date) -> Int64 { date.unixMilliseconds }
    static func date(_ ms: Int64) -> Date { Date(unixMilliseconds: ms) }
    static func decimal(_ value: Double) -> String { String(format: "%.4g", value) }
}
