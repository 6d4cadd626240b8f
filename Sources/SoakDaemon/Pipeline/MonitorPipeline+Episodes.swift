import Foundation
import LeakDetection
import Logging
import MonitorState
import SoakModel

/// Episode tracking: a detector event becomes a finding (stored first), its notification is
/// enqueued, re-sent while it fires and resolved once; a resume or scrape gap leaves an episode
/// awaiting confirmation until the detector judges again.
extension MonitorPipeline {
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

    /// The detector confirmed a leak: a new episode, or a known one seen again.
    func confirmed(_ key: SeriesKey, index: Int, assessment: LeakAssessment) async {
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
        var record = FindingRecord(
            series: key, resource: bank.detector(index).resource, state: .firing,
            onsetMs: assessment.onsetMs, firstAlertMs: nowMs, judgedMs: assessment.judgedAtMs,
            slopePerHour: assessment.slopePerHour, growthPercentPerHour: assessment.growthPercentPerHour,
            leastSquaresSlopePerHour: assessment.leastSquaresSlopePerHour, confidence: assessment.confidence,
            exhaustionMs: assessment.projectedExhaustionMs, version: version,
            dedupeKey: LeakFinding.episodeKey(seriesLabels: Self.alertLabels(key, version: version),
                                              onsetAt: Self.date(assessment.onsetMs)),
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
    func end(_ key: SeriesKey, atMs: Int64, reason: String, assessment: LeakAssessment?) async {
        guard var episode = open.removeValue(forKey: key) else { return }
        if let assessment { Self.update(&episode.record, with: assessment) }
        episode.record.state = .resolved
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

    func persist(_ record: FindingRecord) async {
        do { try await database.updateFinding(record) } catch {
            logger.error("cannot update finding", metadata: ["finding": "\(record.id)", "error": "\(error)"])
        }
    }

    func notify(_ record: FindingRecord) async {
        let notification = AlertNotification(finding: leakFinding(record), createdAt: clock())
        do { try await outbox.enqueue(notification) } catch {
            logger.error("cannot enqueue notification", metadata: ["finding": "\(record.id)", "error": "\(error)"])
        }
    }

    /// A stored episode as the alert hooks see it.
    func leakFinding(_ record: FindingRecord) -> LeakFinding {
        let labels = Self.alertLabels(record.series, version: record.version)
        let hours = record.exhaustionMs.map { max(0, Double($0 - record.judgedMs) / 3_600_000) }
        return LeakFinding(
            seriesLabels: labels, resource: record.resource, state: record.state,
            severity: configuration.alerting.severityPolicy.severity(hoursToExhaustion: hours),
            slopePerHour: record.slopePerHour, growthPercentPerHour: record.growthPercentPerHour,
            hoursToExhaustion: hours, confidence: record.confidence, onsetAt: Self.date(record.onsetMs),
            firstAlertAt: Self.date(record.firstAlertMs), resolvedAt: record.resolvedMs.map(Self.date),
            findingID: String(record.id), externalURL: configuration.alerting.externalURL)
    }

    static func update(_ record: inout FindingRecord, with assessment: LeakAssessment) {
        record.judgedMs = assessment.judgedAtMs
        record.slopePerHour = assessment.slopePerHour
        record.growthPercentPerHour = assessment.growthPercentPerHour
        record.leastSquaresSlopePerHour = assessment.leastSquaresSlopePerHour
        record.confidence = assessment.confidence
        record.exhaustionMs = assessment.projectedExhaustionMs
    }

    /// The labels an alert carries: the series' labels, `__name__`, and `version` when known.
    static func alertLabels(_ key: SeriesKey, version: String?) -> [String: String] {
        var labels = Dictionary(key.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        labels["__name__"] = key.metric
        if let version { labels["version"] = version }
        return labels
    }

}
