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

    static func transportError(_ transfer: CurlTransfer, code: CURLcode, status: Int)
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
                return (.tls, text + clientCertificateHint(target, detail: detail))
            }
            // TLS 1.3 servers verify the client certificate after the handshake has completed on
            // the client's side: without one, the first write or read after it fails with a plain
            // socket error. Say so rather than blaming the network.
            if transfer.tlsHandshakeCompleted && transfer.body.isEmpty && target.tls.certFile == nil
                && target.tls.certPEM == nil {
                return (.tls, text + " (the server closed the connection right after the TLS handshake, as servers"
                        + " requiring a client certificate do: set tls_config.cert_file and key_file)")
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

    /// A server that demands a client certificate answers a handshake without one with a TLS
    /// alert; say what to configure instead of leaving the reader with OpenSSL's wording.
    private static func clientCertificateHint(_ target: ScrapeTarget, detail: String) -> String {
        let alert = detail.contains("alert bad certificate") || detail.contains("certificate required")
        guard alert else { return "" }
        return target.tls.certFile == nil
            ? " (the server requires a client certificate: set tls_config.cert_file and key_file)"
            : " (the server rejected the client certificate \(target.tls.certFile!))"
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
