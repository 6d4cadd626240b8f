import Foundation
import LeakDetection
import Logging
import MetricsScrape
import SeriesStore

/// The detector's key type (metric name plus labels without `__name__`), named apart from the
/// store's ``StoredSeriesKey``.
public typealias DetectorSeriesKey = LeakDetection.SeriesKey

/// The monitor's heart: each ``ScrapeResult`` is stored, its leak-relevant series are fed to the
/// detector bank, and the bank's verdicts become findings and notifications.
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
    private var watchedTarget: [Int: String] = [:]
    private var watchedIndex: [DetectorSeriesKey: Int] = [:]
    /// Watched indices that have started a segment.
    private var segmented: Set<Int> = []
    /// The firing episodes, by series.
    var open: [DetectorSeriesKey: OpenEpisode] = [:]
    /// Episodes that ended, by series: lets a replay recognise an episode already announced.
    private var past: [DetectorSeriesKey: [FindingRecord]] = [:]
    private var replaying = false
    private var startedMs: Int64 = 0
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
        var identities: Set<[String: String]> = []
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
        let key = Self.targetKey(result.target.labels.map { ($0.name, $0.value) })
        var state = targets[key] ?? TargetState(status: TargetStatus(
            key: key, labels: Self.dictionary(result.target.labels), url: result.target.redactedURL, up: false,
            lastScrape: nil, lastDurationSeconds: 0, lastSamples: 0, lastError: nil, version: nil, lastRestart: nil))
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
            await feed(name: sample.name, labels: Self.dictionary(sample.labels), target: key,
                       timestampMs: sample.timestampMs ?? result.timestampMs, value: sample.value)
        }
        // Scrape start to detector verdict: grows when the pipeline falls behind the scraper.
        metrics.detectorLag(seconds: clock().timeIntervalSince(Self.date(result.timestampMs)))
    }

    /// Re-sends firing episodes whose resend interval has passed and resolves episodes that a
    /// resume or gap left unconfirmed when the detector has since judged "no leak". Call about
    /// once a second.
    public func tick() async {
        let nowMs = Self.ms(clock())
        let resendMs = Int64(configuration.resendIntervalSeconds * 1000)
        let patienceMs = Int64((configuration.detector.warmUpSeconds + configuration.detector.windowSeconds
                                + configuration.detector.scrapeGapSeconds) * 1000)
        for (key, episode) in open {
            if episode.awaitingConfirmation {
                if let index = watchedIndex[key] {
                    let detector = bank.detector(index)
                    let judgedLongEnough = detector.lastAssessment.map { $0.judgedAtMs - detector.segmentStartMs >= patienceMs } ?? false
                    if (detector.verdict == .ok || detector.verdict == .resolved) && judgedLongEnough {
                        await end(key, atMs: nowMs, reason: "not confirmed after restart or gap", assessment: nil)
                        continue
                    }
                } else if nowMs - startedMs >= patienceMs {
                    await end(key, atMs: nowMs, reason: "series no longer scraped", assessment: nil)
                    continue
                }
            }
            guard nowMs - episode.record.lastNotifiedMs >= resendMs, var current = open[key] else { continue }
            if let index = watchedIndex[key], bank.detector(index).verdict == .leak,
               let assessment = bank.detector(index).lastAssessment {
                Self.update(&current.record, with: assessment)
            }
            current.record.lastNotifiedMs = nowMs
            open[key] = current
            await persist(current.record)
            await notify(current.record)
        }
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
        for record in try await database.findings(state: "firing") {
            open[Self.detectorKey(record.series)] = OpenEpisode(record: record, awaitingConfirmation: true)
        }
        for record in try await database.findings(state: "resolved", limit: 10_000) {
            past[Self.detectorKey(record.series), default: []].append(record)
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
                let labels = Dictionary(key.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                let target = Self.targetKey(labels.map { ($0.key, $0.value) })
                if key.metric == DetectorBank.startTimeMetric {
                    ensureTarget(target, labels: labels)
                    targets[target]?.startTime = samples.values[item.sample]
                }
                await feed(name: key.metric, labels: labels, target: target, timestampMs: item.timestampMs,
                           value: samples.values[item.sample])
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

    // MARK: Detector feeding and episodes

    private func isRelevant(_ name: String) -> Bool {
        name == DetectorBank.startTimeMetric || configuration.classifier.kind(of: name) != nil
            || configuration.classifier.isLimitMetric(name)
    }

    private func feed(name: String, labels: [String: String], target: String, timestampMs: Int64, value: Double) async {
        let key = DetectorSeriesKey(name: name, labels: labels)
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
                logger.debug("suspect trend", metadata: ["series": "\(Self.selector(seriesKey))",
                                                         "growth_percent_per_hour": "\(Self.decimal(assessment.growthPercentPerHour))"])
            }
        case .cleared:
            break
        }
    }

    /// The detector confirmed a leak: a new episode, or a known one seen again.
    private func confirmed(_ key: DetectorSeriesKey, index: Int, assessment: LeakAssessment) async {
        if var episode = open[key] {
            // Known episode (after a resume or a gap): no new announcement, fresh numbers.
            episode.awaitingConfirmation = false
            Self.update(&episode.record, with: assessment)
            open[key] = episode
            await persist(episode.record)
            return
        }
        if replaying, past[key]?.contains(where: { $0.onsetMs == assessment.onsetMs || ($0.resolvedMs ?? .max) >= assessment.judgedAtMs }) == true {
            return  // an episode that was announced and ended before the restart
        }
        let nowMs = Self.ms(clock())
        let target = watchedTarget[index] ?? ""
        let version = targets[target]?.status.version
        var labels = key.labels
        labels["__name__"] = key.name
        if let version { labels["version"] = version }
        var record = FindingRecord(
            series: Self.storedKey(key), resource: bank.detector(index).resource.rawValue, state: AlertState.firing.rawValue,
            onsetMs: assessment.onsetMs, firstAlertMs: nowMs, judgedMs: assessment.judgedAtMs,
            slopePerHour: assessment.slopePerHour, growthPercentPerHour: assessment.growthPercentPerHour,
            leastSquaresSlopePerHour: assessment.leastSquaresSlopePerHour, confidence: assessment.confidence,
            exhaustionMs: assessment.projectedExhaustionMs, version: version,
            dedupeKey: LeakFinding.episodeKey(seriesLabels: labels, onsetAt: Self.date(assessment.onsetMs)),
            lastNotifiedMs: nowMs)
        do {
            record = try await database.insertFinding(record)
        } catch {
            logger.error("cannot store a new finding; it is not announced", metadata: [
                "series": "\(Self.selector(key))", "error": "\(error)"])
            return
        }
        open[key] = OpenEpisode(record: record, awaitingConfirmation: false)
        var evidence: Logger.Metadata = [
            "finding": "\(record.id)", "series": "\(leakFinding(record).seriesSelector)", "resource": "\(record.resource)",
            "slope_per_hour": "\(Self.decimal(assessment.slopePerHour))",
            "growth_percent_per_hour": "\(Self.decimal(assessment.growthPercentPerHour))",
            "confidence": "\(Self.decimal(assessment.confidence))",
            "window": "\(RFC3339.string(from: Self.date(assessment.windowStartMs)))/\(Int(assessment.windowSeconds))s",
            "onset": "\(RFC3339.string(from: Self.date(assessment.onsetMs)))", "dedupe_key": "\(record.dedupeKey)",
        ]
        if let exhaustion = assessment.projectedExhaustionMs {
            evidence["exhaustion"] = "\(RFC3339.string(from: Self.date(exhaustion)))"
        }
        logger.notice("leak detected", metadata: evidence)
        await notify(record)
        // Not while replaying: the process that leaked then may be gone, and the target's
        // scrape settings are only known once it is scraped again.
        if !replaying { captureEvidence(for: record, target: target) }
    }

    /// The episode of `key` ended (detector resolve, restart, collapse, version, or unconfirmed).
    private func end(_ key: DetectorSeriesKey, atMs: Int64, reason: String, assessment: LeakAssessment?) async {
        guard var episode = open.removeValue(forKey: key) else { return }
        if let assessment { Self.update(&episode.record, with: assessment) }
        episode.record.state = AlertState.resolved.rawValue
        episode.record.resolvedMs = max(atMs, episode.record.firstAlertMs)
        episode.record.lastNotifiedMs = Self.ms(clock())
        past[key, default: []].append(episode.record)
        await persist(episode.record)
        logger.notice("leak resolved", metadata: [
            "finding": "\(episode.record.id)", "series": "\(Self.selector(key))", "reason": "\(reason)",
            "dedupe_key": "\(episode.record.dedupeKey)",
        ])
        await notify(episode.record)
    }

    private func persist(_ record: FindingRecord) async {
        do { try await database.updateFinding(record) } catch {
            logger.error("cannot update finding", metadata: ["finding": "\(record.id)", "error": "\(error)"])
        }
    }

    private func notify(_ record: FindingRecord) async {
        let notification = AlertNotification(finding: leakFinding(record), createdAt: clock())
        do { try await outbox.enqueue(notification) } catch {
            logger.error("cannot enqueue notification", metadata: ["finding": "\(record.id)", "error": "\(error)"])
        }
    }

    /// A stored episode as the alert hooks see it.
    func leakFinding(_ record: FindingRecord) -> LeakFinding {
        var labels = Dictionary(record.series.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        labels["__name__"] = record.series.metric
        if let version = record.version { labels["version"] = version }
        let hours = record.exhaustionMs.map { max(0, Double($0 - record.judgedMs) / 3_600_000) }
        var finding = LeakFinding(
            seriesLabels: labels, resource: ResourceKind(labelValue: record.resource),
            state: AlertState(rawValue: record.state) ?? .firing,
            severity: configuration.alerting.severityPolicy.severity(hoursToExhaustion: hours),
            slopePerHour: record.slopePerHour, growthPercentPerHour: record.growthPercentPerHour,
            hoursToExhaustion: hours, confidence: record.confidence, onsetAt: Self.date(record.onsetMs),
            firstAlertAt: Self.date(record.firstAlertMs), resolvedAt: record.resolvedMs.map(Self.date),
            findingID: String(record.id), externalURL: configuration.alerting.externalURL)
        finding.rootCause = rootCauseLine(findingID: record.id, resource: record.resource)
        return finding
    }

    private func ensureTarget(_ key: String, labels: [String: String]) {
        if targets[key] == nil {
            var targetLabels: [String: String] = [:]
            for name in ["job", "instance"] { targetLabels[name] = labels[name] }
            targets[key] = TargetState(status: TargetStatus(
                key: key, labels: targetLabels, url: "", up: false, lastScrape: nil, lastDurationSeconds: 0,
                lastSamples: 0, lastError: nil, version: nil, lastRestart: nil))
        }
    }

    private func setVersion(_ version: String, of target: String) {
        if targets[target] == nil {
            let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
            ensureTarget(target, labels: ["job": parts.first ?? "", "instance": parts.count > 1 ? parts[1] : ""])
        }
        targets[target]?.status.version = version
    }

    // MARK: Helpers

    private static func update(_ record: inout FindingRecord, with assessment: LeakAssessment) {
        record.judgedMs = assessment.judgedAtMs
        record.slopePerHour = assessment.slopePerHour
        record.growthPercentPerHour = assessment.growthPercentPerHour
        record.leastSquaresSlopePerHour = assessment.leastSquaresSlopePerHour
        record.confidence = assessment.confidence
        record.exhaustionMs = assessment.projectedExhaustionMs
    }

    /// `job/instance`: how health rows, markers and `/api/v1/targets` name a target.
    static func targetKey(_ labels: [(String, String)]) -> String {
        var job = "", instance = ""
        for (name, value) in labels {
            if name == "job" { job = value } else if name == "instance" { instance = value }
        }
        return "\(job)/\(instance)"
    }

    static func dictionary(_ labels: [Label]) -> [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    static func storedKey(_ key: DetectorSeriesKey) -> StoredSeriesKey {
        StoredSeriesKey(metric: key.name, labels: key.labels.map { SeriesLabel($0.key, $0.value) })
    }

    static func detectorKey(_ key: StoredSeriesKey) -> DetectorSeriesKey {
        DetectorSeriesKey(name: key.metric, labels: Dictionary(key.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }))
    }

    static func selector(_ key: DetectorSeriesKey) -> String {
        storedKey(key).description
    }

    static func ms(_ date: Date) -> Int64 { date.unixMilliseconds }
    static func date(_ ms: Int64) -> Date { Date(unixMilliseconds: ms) }
    static func decimal(_ value: Double) -> String { String(format: "%.4g", value) }
}
