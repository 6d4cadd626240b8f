import CCurl

/// Sends one HTTP request (any method, with a body) through the same libcurl setup as every
/// other request (``CurlTransfer`` on a ``CurlMultiEngine``), on ``BlockingWork``'s thread:
/// what alert hooks deliver with.
///
/// Driving a transfer to completion blocks for up to the request's timeout; running that on
/// Swift's cooperative pool (two threads on a two-core machine) would stall every other task
/// behind a down receiver.
///
/// TLS peer and host verification stay on; only `http` and `https` are allowed and redirects
/// are not followed, so a configured URL cannot be bent into reading local files or sending
/// credentials elsewhere. A proxy comes from the environment (`https_proxy`), as before.
public struct CurlHTTPClient: Sendable {
    public init() {}

    /// The most response body kept; error messages need only its start.
    static let maxBodyBytes = 64 * 1024

    /// Runs `request`, suspending the caller until it finishes.
    public func send(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPFailure> {
        await BlockingWork.run { CurlHTTPClient.perform(request) }
    }

    /// The request as a transfer's settings.
    static func target(for request: HTTPRequest) -> HTTPTarget {
        var target = HTTPTarget(
            url: request.url, timeoutSeconds: request.timeoutSeconds, bodyLimitBytes: maxBodyBytes,
            tls: TLSSettings(caFile: request.caFile),
            authorization: request.basicAuth.map { .basicInline(username: $0.username, password: SecretBytes($0.password)) } ?? .none,
            followRedirects: false,
            // libcurl adds `Expect: 100-continue` for bodies over 1 KiB; receivers that do not
            // answer it cost a one-second stall per delivery.
            headers: request.headers.map { "\($0.name): \($0.value)" } + ["Expect:"])
        target.method = request.method
        target.body = request.body
        target.connectTimeoutSeconds = request.connectTimeoutSeconds
        target.keepsBodyPrefixOverLimit = true
        target.proxyFromEnvironment = true
        return target
    }

    /// The blocking exchange; called on a thread that may block.
    static func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPFailure> {
        let target = target(for: request)
        guard let transfer = CurlTransfer(settings: target) else {
            return .failure(HTTPFailure(kind: .transport, message: "curl_easy_init failed", url: target.redactedURL))
        }
        let code = CurlMultiEngine.complete(transfer)
        guard code == CURLE_OK else {
            let detail = transfer.errorDetail
            let message = CredentialRedactor.redact(
                detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail, secrets: transfer.secrets)
            let kind: HTTPFailure.Kind = code == CURLE_OPERATION_TIMEDOUT ? .timeout : .transport
            return .failure(HTTPFailure(kind: kind, message: message, url: target.redactedURL))
        }
        return .success(HTTPResponse(status: transfer.infoLong(CURLINFO_RESPONSE_CODE), body: transfer.body))
    }
}
