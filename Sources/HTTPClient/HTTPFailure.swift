import CCurl

/// Why a request got no usable answer: the kind, a message fit for a log line (already free of
/// the request's secrets and URL userinfo) and the URL with userinfo removed.
///
/// The one failure type of every transfer: scrapes (the scraper turns it into its `ScrapeError`,
/// whose kinds share these raw values), discovery calls, evidence fetches and alert deliveries.
public struct HTTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarse enough to count and alert on.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// TCP connection refused, reset, or the host could not be resolved.
        case connection
        /// The request did not finish within its timeout.
        case timeout
        /// TLS handshake or certificate verification failed.
        case tls
        /// The server answered with an HTTP status outside 2xx.
        case httpStatus
        /// The body was larger than the configured limit; the transfer was aborted.
        case bodyTooLarge
        /// A credentials file (bearer token, password) could not be read.
        case credentials
        /// Any other libcurl failure.
        case transport
    }

    public var kind: Kind
    public var message: String
    /// The requested URL with userinfo removed.
    public var url: String

    public init(kind: Kind, message: String, url: String) {
        self.kind = kind
        self.message = message
        self.url = url
    }

    public var description: String { "\(url) failed (\(kind.rawValue)): \(message)" }
}

extension CurlTransfer {
    /// Classifies a finished transfer: nil for a 2xx answer, else the failure with libcurl's
    /// detail and a hint where one helps (client certificates), secrets redacted.
    public func failure(code: CURLcode, status: Int) -> HTTPFailure? {
        let url = settings.redactedURL
        if let message = credentialsError { return HTTPFailure(kind: .credentials, message: message, url: url) }
        guard let (kind, message) = classify(code: code, status: status) else { return nil }
        return HTTPFailure(kind: kind, message: CredentialRedactor.redact(message, secrets: secrets), url: url)
    }

    private func classify(code: CURLcode, status: Int) -> (HTTPFailure.Kind, String)? {
        let target = settings
        if code == CURLE_OK {
            if (200..<300).contains(status) { return nil }
            var message = "server returned HTTP status \(status)"
            if (300..<400).contains(status) {
                message += target.followRedirects ? " (redirect without a Location)" : " (redirect not followed: follow_redirects is false)"
            }
            return (.httpStatus, message)
        }
        if bodyLimitExceeded || code == CURLE_FILESIZE_EXCEEDED {
            return (.bodyTooLarge, "body exceeds limit of \(target.bodyLimitBytes) bytes")
        }
        let detail = errorDetail
        let summary = String(cString: curl_easy_strerror(code))
        let text = detail.isEmpty ? summary : "\(summary): \(detail)"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return (.timeout, "timed out after \(Self.formatSeconds(target.timeoutSeconds)) (\(detail.isEmpty ? summary : detail))")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_GOT_NOTHING,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            // A server that rejects our client certificate closes the TLS session mid-read: say TLS.
            if detail.contains("SSL") || detail.contains("certificate") || detail.contains("alert") {
                return (.tls, text + Self.clientCertificateHint(target.tls, detail: detail))
            }
            // TLS 1.3 servers verify the client certificate after the handshake has completed on
            // the client's side: without one, the first write or read after it fails with a plain
            // socket error. Say so rather than blaming the network.
            if tlsHandshakeCompleted && body.isEmpty && target.tls.certFile == nil && target.tls.certPEM == nil {
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
    private static func clientCertificateHint(_ tls: TLSSettings, detail: String) -> String {
        let alert = detail.contains("alert bad certificate") || detail.contains("certificate required")
        guard alert else { return "" }
        return tls.certFile == nil
            ? " (the server requires a client certificate: set tls_config.cert_file and key_file)"
            : " (the server rejected the client certificate \(tls.certFile!))"
    }

    /// `10s`, `0.5s`.
    public static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
