import CCurl

/// Turns a finished transfer into a ``ScrapeResult``: classifies libcurl and HTTP failures into
/// ``ScrapeError``s without secrets, parses the body and applies the job's metric relabeling.
enum ScrapeCompletion {
    static func result(of transfer: CurlTransfer, code: CURLcode) -> ScrapeResult {
        let target = transfer.target
        let duration = max(0, Clock.monotonicSeconds() - transfer.startedMonotonic)
        transfer.inFlight = false
        let status = transfer.credentialsError == nil ? transfer.infoLong(CURLINFO_RESPONSE_CODE) : 0
        var result = ScrapeResult(
            target: target, timestampMs: transfer.startedWallMs, startedMonotonicSeconds: transfer.startedMonotonic,
            durationSeconds: duration, samples: [], samplesScraped: 0, httpStatus: status,
            bodyBytes: transfer.body.count,
            newConnections: transfer.credentialsError == nil ? transfer.infoLong(CURLINFO_NUM_CONNECTS) : 0,
            error: nil)

        if let message = transfer.credentialsError {
            result.error = ScrapeError(kind: .credentials, message: message, url: target.redactedURL)
            return result
        }
        if let error = transportError(transfer, code: code, status: status) {
            result.error = ScrapeError(kind: error.kind,
                                       message: CredentialRedactor.redact(error.message, secrets: transfer.secrets),
                                       url: target.redactedURL)
            if status == 401 || status == 403 { transfer.invalidateCredentials() }
            return result
        }

        let format = ExpositionFormat(contentType: transfer.infoString(CURLINFO_CONTENT_TYPE))
        let parsed: ParsedExposition
        do {
            parsed = try ExpositionParser.parse(transfer.body, format: format)
        } catch {
            result.error = ScrapeError(kind: .parse, message: "invalid \(format.rawValue) exposition: \(error.description)",
                                       url: target.redactedURL)
            return result
        }
        result.samplesScraped = parsed.samples.count
        result.samples = relabel(parsed.samples, transfer: transfer)
        return result
    }

    /// Keep-list, target labels and `metric_relabel_configs`, in Prometheus' order.
    private static func relabel(_ samples: [Sample], transfer: CurlTransfer) -> [Sample] {
        let relabeling = transfer.target.metricRelabeling
        let targetLabels = transfer.target.labels
        var kept: [Sample] = []
        kept.reserveCapacity(relabeling.nameFilter == nil ? samples.count : 64)
        for sample in samples {
            if let filter = relabeling.nameFilter {
                let keep: Bool
                if let known = transfer.nameDecisions[sample.name] {
                    keep = known
                } else {
                    keep = filter.keeps(sample.name)
                    // Bound the cache: a target that invents names per scrape must not grow it forever.
                    if transfer.nameDecisions.count > 100_000 { transfer.nameDecisions.removeAll() }
                    transfer.nameDecisions[sample.name] = keep
                }
                if !keep { continue }
            }
            if let relabeled = relabeling.apply(to: sample, targetLabels: targetLabels) { kept.append(relabeled) }
        }
        return kept
    }

    private static func transportError(_ transfer: CurlTransfer, code: CURLcode, status: Int)
        -> (kind: ScrapeError.Kind, message: String)? {
        let target = transfer.target
        if code == CURLE_OK {
            if (200..<300).contains(status) { return nil }
            var message = "server returned HTTP status \(status)"
            if (300..<400).contains(status) {
                message += target.followRedirects ? " (redirect without a Location)" : " (redirect not followed: follow_redirects is false)"
            }
            return (.httpStatus, message)
        }
        if transfer.bodyLimitExceeded || code == CURLE_FILESIZE_EXCEEDED {
            return (.bodyTooLarge, "body exceeds limit of \(target.bodyLimitBytes) bytes")
        }
        let detail = transfer.errorDetail
        let summary = String(cString: curl_easy_strerror(code))
        let text = detail.isEmpty ? summary : "\(summary): \(detail)"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return (.timeout, "timed out after \(formatSeconds(target.timeoutSeconds)) (\(detail.isEmpty ? summary : detail))")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_GOT_NOTHING,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            // A server that rejects our client certificate closes the TLS session mid-read: say TLS.
            if detail.contains("SSL") || detail.contains("certificate") || detail.contains("alert") {
                return (.tls, text)
            }
            return (.connection, text)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return (.tls, text)
        default:
            return (.transport, text)
        }
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
