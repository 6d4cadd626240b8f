import MonitorState
import SoakModel
import Foundation
import LeakDetection
import SeriesStore

/// What the HTTP surface (and the demo's terminal view) reads: a copy of the pipeline's state
/// made at request time, without waiting for a scrape.
extension MonitorPipeline: MonitorStatusProvider {
    /// Every watched series with its detector state; a series in an episode (open, or the last
    /// one ended) carries the finding's id and numbers, others the detector's latest assessment
    /// under the id `series-<n>`. Open episodes whose series has not been seen since a restart
    /// are included too. Sorted by series selector.
    public func findingsSnapshot() async -> [FindingSnapshot] {
        let ended = (try? await database.findings(state: .resolved, limit: 1_000)) ?? []
        var lastEnded: [SeriesKey: FindingRecord] = [:]
        for record in ended where lastEnded[record.series] == nil {
            lastEnded[record.series] = record  // newest first
        }
        var snapshots: [(String, FindingSnapshot)] = []
        var covered = Set<SeriesKey>()
        for (index, key) in bank.watchedKeys.enumerated() {
            covered.insert(key)
            let detector = bank.detector(index)
            let assessment = detector.lastAssessment
            let state = detector.verdict
            if let record = open[key]?.record ?? lastEnded[key] {
                var snapshot = FindingSnapshot(finding: leakFinding(record),
                                               windowStart: assessment.map { Self.date($0.windowStartMs) },
                                               windowSeconds: assessment?.windowSeconds ?? 0,
                                               judgedAt: Self.date(record.judgedMs))
                if open[key] == nil && state == LeakVerdict.suspect { snapshot.state = .suspect }
                snapshots.append((Self.selector(key), snapshot))
                continue
            }
            let version = watchedTargetKey(index).flatMap { targets[$0]?.status.version }
            let labels = Self.alertLabels(key, version: version)
            snapshots.append((Self.selector(key), FindingSnapshot(
                id: "series-\(index)", seriesLabels: labels, resource: detector.resource,
                state: state == .leak ? .suspect : state, slopePerHour: assessment?.slopePerHour ?? 0,
                growthPercentPerHour: assessment?.growthPercentPerHour ?? 0,
                hoursToExhaustion: assessment?.projectedExhaustionMs.map { max(0, Double($0 - (assessment?.judgedAtMs ?? 0)) / 3_600_000) },
                confidence: assessment?.confidence ?? 0, windowStart: assessment.map { Self.date($0.windowStartMs) },
                windowSeconds: assessment?.windowSeconds ?? 0, judgedAt: assessment.map { Self.date($0.judgedAtMs) },
                onsetAt: nil)))
        }
        for (key, episode) in open where !covered.contains(key) {
            snapshots.append((Self.selector(key), FindingSnapshot(finding: leakFinding(episode.record),
                                                                  judgedAt: Self.date(episode.record.judgedMs))))
        }
        let evidence = await evidenceByFinding()
        return snapshots.sorted { $0.0 < $1.0 }.map { _, snapshot in
            var snapshot = snapshot
            snapshot.evidence = evidence[snapshot.id] ?? []
            return snapshot
        }
    }

    /// A captured document's body, by its id; nil when unknown or when its fetch failed.
    public func evidence(id: String) async -> EvidenceDocument? {
        guard let number = Int64(id), let record = try? await database.evidence(id: number), let body = record.data else {
            return nil
        }
        return EvidenceDocument(snapshot: Self.evidenceSnapshot(record), findingID: String(record.findingID), body: body)
    }

    /// Every stored piece of evidence without bodies, by finding id (2 rows per leak by default).
    private func evidenceByFinding() async -> [String: [EvidenceSnapshot]] {
        let records = (try? await database.evidence()) ?? []
        return Dictionary(grouping: records.map { (String($0.findingID), Self.evidenceSnapshot($0)) }, by: \.0)
            .mapValues { $0.map(\.1) }
    }

    static func evidenceSnapshot(_ record: EvidenceRecord) -> EvidenceSnapshot {
        EvidenceSnapshot(id: String(record.id), name: record.name, url: record.url, fetchedAt: date(record.fetchedMs),
                         httpStatus: record.httpStatus, contentType: record.contentType, byteCount: record.byteCount,
                         error: record.error)
    }

    /// Every target scraped (or known from the database), by job then instance.
    public func targetsSnapshot() async -> [TargetSnapshot] {
        targets.values.map { state in
            let status = state.status
            return TargetSnapshot(
                job: status.labels["job"] ?? "", instance: status.labels["instance"] ?? "", url: status.url,
                labels: status.labels,
                health: status.lastScrape == nil ? .unknown : (status.up ? .up : .down),
                lastScrapeAt: status.lastScrape, lastScrapeDurationSeconds: status.lastScrape == nil ? nil : status.lastDurationSeconds,
                lastError: status.lastError, samplesScraped: status.lastScrape == nil ? nil : status.lastSamples,
                detectedVersion: status.version, lastRestartAt: status.lastRestart)
        }.sorted { ($0.job, $0.instance) < ($1.job, $1.instance) }
    }

    /// Ready once the database is open and resumed and every static target has been scraped once.
    public func readiness() async -> Readiness {
        var reasons: [String] = []
        if !resumed { reasons.append("store not open") }
        let expected = configuration.scrape.staticTargets().count
        let scraped = targets.values.filter { $0.status.lastScrape != nil }.count
        if scraped < expected { reasons.append("first scrape round not done (\(scraped) of \(expected) targets)") }
        return Readiness(reasons: reasons)
    }
}
