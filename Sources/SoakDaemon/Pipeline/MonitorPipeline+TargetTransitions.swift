import Foundation
import Logging
import MetricsScrape

extension MonitorPipeline {
    /// Logs a target's health once per transition, not once per scrape: down (with the reason)
    /// when it first fails or fails after being up, up again (naming the error it had) when it
    /// recovers, and the first scrape whose samples had timestamps too far in the future. A
    /// target that stays down logs nothing more; `/api/v1/targets` keeps its latest error.
    func logTransition(of key: String, from previous: TargetStatus?, to result: ScrapeResult) {
        let wasUp = previous?.up
        if let error = result.error, wasUp != false {
            logger.warning("scrape target down", metadata: [
                "target": "\(key)", "url": "\(result.target.redactedURL)", "reason": "\(error.kind.rawValue)",
                "error": "\(error.message)",
            ])
        } else if result.up, wasUp == false {
            var metadata: Logger.Metadata = ["target": "\(key)", "url": "\(result.target.redactedURL)"]
            if let since = previous?.lastError { metadata["was"] = "\(since)" }
            logger.notice("scrape target up again", metadata: metadata)
        }
        if result.samplesOutOfBounds > 0, previous?.samplesOutOfBounds ?? 0 == 0 {
            logger.warning("samples dropped: exposition timestamps too far in the future", metadata: [
                "target": "\(key)", "dropped": "\(result.samplesOutOfBounds)",
                "tolerance_seconds": "\(ScrapeResult.futureToleranceMs / 1000)",
            ])
        }
    }
}
