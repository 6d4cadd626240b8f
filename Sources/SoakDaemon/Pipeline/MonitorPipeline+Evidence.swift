import MonitorState
import Foundation
import Logging
import MetricsScrape
import SeriesStore

/// One fetch of a target's profiles, shared by the findings that arrive while it is recent.
struct EvidenceFetch {
    var startedMs: Int64
    var task: Task<[EvidenceRecord], Never>
}

/// Evidence capture: when a new leak of a Go component is announced, its profiles are fetched
/// in the background and stored with the finding. The alert never waits for it.
extension MonitorPipeline {
    /// Starts fetching the configured profiles of `target` for the new finding `record`, unless
    /// evidence is off or the target does not qualify (see ``EvidenceCapture/applies(toJob:runsGo:)``).
    func captureEvidence(for record: FindingRecord, target key: String) {
        let capture = EvidenceCapture(section: configuration.evidence)
        guard let state = targets[key], let scrapeTarget = state.scrapeTarget,
              capture.applies(toJob: scrapeTarget.job, runsGo: state.runsGo) else { return }
        let nowMs = Self.ms(clock())
        let fetch: Task<[EvidenceRecord], Never>
        if let recent = evidenceFetches[key], Double(nowMs - recent.startedMs) < configuration.evidence.reuseWithinSeconds * 1000 {
            fetch = recent.task
        } else {
            let clock = self.clock
            fetch = Task { await capture.fetch(from: scrapeTarget, clock: clock) }
            evidenceFetches[key] = EvidenceFetch(startedMs: nowMs, task: fetch)
        }
        let database = self.database, logger = self.logger, findingID = record.id
        evidenceWriteCount += 1
        let writeID = evidenceWriteCount
        evidenceWrites[writeID] = Task {
            for var document in await fetch.value {
                document.findingID = findingID
                do {
                    let stored = try await database.insertEvidence(document)
                    var metadata: Logger.Metadata = [
                        "finding": "\(findingID)", "evidence": "\(stored.id)", "name": "\(stored.name)",
                        "url": "\(stored.url)", "bytes": "\(stored.byteCount)", "status": "\(stored.httpStatus)",
                    ]
                    if let error = stored.error {
                        metadata["error"] = "\(error)"
                        logger.warning("evidence not captured", metadata: metadata)
                    } else {
                        logger.info("evidence captured", metadata: metadata)
                    }
                } catch {
                    logger.error("cannot store evidence", metadata: ["finding": "\(findingID)", "name": "\(document.name)",
                                                                     "error": "\(error)"])
                }
            }
            await self.evidenceWriteFinished(writeID)
        }
    }

    private func evidenceWriteFinished(_ id: Int) {
        evidenceWrites[id] = nil
    }

    /// Waits until every started evidence fetch is fetched and stored: before the database
    /// closes on shutdown, and in tests.
    public func waitForEvidence() async {
        while let write = evidenceWrites.values.first {
            await write.value
        }
    }
}
