import Foundation
import Logging
import MonitorState
import SeriesStore
import SoakModel

/// Baseline captures and root causes: every Go target's profiles are fetched once after a
/// warm-up and then on a schedule (`evidence.baseline_after`, `baseline_every`, keeping
/// `baselines_kept`), stored as evidence without a finding; when a leak's evidence arrives it is
/// diffed against the newest baseline from before the leak's onset (docs/evidence.md).
extension MonitorPipeline {
    /// Called after each scrape of `key`: starts a baseline capture when one is due.
    func captureBaselineIfDue(target key: String, nowMs: Int64) {
        let section = configuration.evidence
        let capture = EvidenceCapture(section: section)
        guard let state = targets[key], let scrapeTarget = state.scrapeTarget, state.status.up,
              capture.applies(toJob: scrapeTarget.job, runsGo: state.runsGo) else { return }
        guard let dueMs = baselineDueMs[key] else {
            baselineDueMs[key] = nowMs + Int64(section.baselineAfterSeconds * 1000)
            if section.baselineAfterSeconds == 0 { captureBaselineIfDue(target: key, nowMs: nowMs) }
            return
        }
        guard nowMs >= dueMs else { return }
        baselineDueMs[key] = nowMs + Int64(section.baselineEverySeconds * 1000)
        let database = self.database, logger = self.logger, clock = self.clock, keep = section.baselinesKept
        evidenceWriteCount += 1
        let writeID = evidenceWriteCount
        evidenceWrites[writeID] = Task {
            for var document in await capture.fetch(from: scrapeTarget, clock: clock) {
                document.findingID = EvidenceRecord.baselineFindingID
                do {
                    let stored = try await database.insertEvidence(document)
                    let pruned = try await database.pruneBaselines(name: stored.name, url: stored.url, keep: keep)
                    var metadata: Logger.Metadata = ["target": "\(key)", "evidence": "\(stored.id)", "name": "\(stored.name)",
                                                     "bytes": "\(stored.byteCount)", "pruned": "\(pruned)"]
                    if let error = stored.error {
                        metadata["error"] = "\(error)"
                        logger.warning("baseline not captured", metadata: metadata)
                    } else {
                        logger.info("baseline captured", metadata: metadata)
                    }
                } catch {
                    logger.error("cannot store baseline", metadata: ["target": "\(key)", "name": "\(document.name)", "error": "\(error)"])
                }
            }
            await self.evidenceWriteDone(writeID)
        }
    }

    /// The root causes of a finding: each of its captured documents diffed against the newest
    /// baseline of the same profile from the same URL fetched before `onsetMs`. Cached per
    /// finding once every document of it has been diffed.
    func rootCauses(findingID: Int64, onsetMs: Int64) async -> [EvidenceRootCause] {
        if let cached = rootCauseCache[findingID] { return cached }
        guard let causes = try? await database.rootCauses(findingID: findingID, onsetMs: onsetMs), !causes.isEmpty else { return [] }
        rootCauseCache[findingID] = causes
        if let line = causes.compactMap(\.summary).first {
            logger.notice("root cause", metadata: ["finding": "\(findingID)", "top": "\(line)"])
        }
        return causes
    }

    /// The alert's root-cause line for a finding, once its evidence has been diffed: the goroutine
    /// diff's summary when goroutines leak, the heap's otherwise, whichever grew.
    func rootCauseLine(findingID: Int64, resource: ResourceKind) -> String? {
        guard let causes = rootCauseCache[findingID] else { return nil }
        let preferred = resource == .goroutines ? "goroutine" : "heap"
        return (causes.first { $0.name == preferred && $0.summary != nil } ?? causes.first { $0.summary != nil })?.summary
    }
}
