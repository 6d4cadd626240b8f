import CCurl
import HTTPClient

/// Turns a finished transfer into a ``ScrapeResult``: the HTTP client's failure (already without
/// secrets) becomes a ``ScrapeError``, a good body is parsed and the job's metric relabeling applied.
enum ScrapeCompletion {
    static func result(of transfer: ScrapeTransfer, code: CURLcode) -> ScrapeResult {
        let target = transfer.target
        let duration = max(0, SystemClock.monotonicSeconds() - transfer.startedMonotonic)
        transfer.inFlight = false
        let status = transfer.credentialsError == nil ? transfer.infoLong(CURLINFO_RESPONSE_CODE) : 0
        var result = ScrapeResult(
            target: target, timestampMs: transfer.startedWallMs, startedMonotonicSeconds: transfer.startedMonotonic,
            durationSeconds: duration, samples: [], samplesScraped: 0, httpStatus: status,
            bodyBytes: transfer.body.count,
            newConnections: transfer.credentialsError == nil ? transfer.infoLong(CURLINFO_NUM_CONNECTS) : 0,
            error: nil)

        if let failure = transfer.failure(code: code, status: status) {
            result.error = ScrapeError(failure)
            if status == 401 || status == 403 { transfer.invalidateCredentials() }
            return result
        }

        let format = ExpositionFormat(contentType: transfer.infoString(CURLINFO_CONTENT_TYPE))
        let relabeling = target.metricRelabeling
        // Without metric_relabel_configs the collector attaches the target labels itself.
        var collector = ScrapeSampleCollector(filter: relabeling.nameFilter,
                                              targetLabels: relabeling.rules.isEmpty ? target.labels : nil,
                                              decisions: transfer.nameDecisions)
        transfer.nameDecisions = MetricNameDecisions()  // moved into the collector so the dictionary is not copied on write
        collector.latestTimestampMs = transfer.startedWallMs + ScrapeResult.futureToleranceMs
        do {
            try ExpositionParser(format: format).parse(transfer.body, into: &collector)
        } catch {
            transfer.nameDecisions = collector.decisions
            result.error = ScrapeError(kind: .parse, message: "invalid \(format.rawValue) exposition: \(error.description)",
                                       url: target.redactedURL)
            return result
        }
        transfer.nameDecisions = collector.decisions
        result.samplesScraped = collector.scraped
        result.samplesOutOfBounds = collector.outOfBounds
        if relabeling.rules.isEmpty {
            result.samples = collector.samples
        } else {
            result.samples.reserveCapacity(collector.samples.count)
            for sample in collector.samples {
                if let relabeled = relabeling.apply(to: sample, targetLabels: target.labels) { result.samples.append(relabeled) }
            }
        }
        return result
    }

    static func formatSeconds(_ seconds: Double) -> String { CurlTransfer.formatSeconds(seconds) }
}
