import CCurl

/// A single GET with a target's TLS, credentials, proxy, timeout and size limit, returning
/// the raw body: what discovery uses to list nodes and pods from the API server, and what the
/// daemon uses to fetch a leaking component's profiles, through the same libcurl setup (and the
/// same secret-free errors) as scrapes.
public enum HTTPFetch {
    /// What came back.
    public struct Outcome: Sendable {
        /// The HTTP status, 0 when no response arrived.
        public var status: Int
        /// The body as received (after content decoding), up to the target's size limit.
        public var body: [UInt8]
        /// The response's `Content-Type`, when it sent one.
        public var contentType: String?
        /// Transport failure, non-2xx status, size limit or unreadable credentials; nil on success.
        public var error: ScrapeError?

        public init(status: Int, body: [UInt8], contentType: String? = nil, error: ScrapeError?) {
            self.status = status
            self.body = body
            self.contentType = contentType
            self.error = error
        }
    }

    /// Blocks the calling thread until the request finishes or times out: call it from a thread
    /// that may block, not from Swift concurrency's cooperative pool.
    public static func get(_ target: ScrapeTarget) -> Outcome {
        guard let transfer = CurlTransfer(target: target) else {
            return Outcome(status: 0, body: [], error: ScrapeError(kind: .transport, message: "cannot create a libcurl handle",
                                                                   url: target.redactedURL))
        }
        let engine = CurlMultiEngine()
        _ = engine.start(transfer)
        while true {
            if let (done, code) = engine.perform().first {
                done.inFlight = false
                if let message = done.credentialsError {
                    return Outcome(status: 0, body: [], error: ScrapeError(kind: .credentials, message: message,
                                                                           url: target.redactedURL))
                }
                let status = done.infoLong(CURLINFO_RESPONSE_CODE)
                var error: ScrapeError?
                if let failure = ScrapeCompletion.transportError(done, code: code, status: status) {
                    error = ScrapeError(kind: failure.kind,
                                        message: CredentialRedactor.redact(failure.message, secrets: done.secrets),
                                        url: target.redactedURL)
                }
                return Outcome(status: status, body: done.body, contentType: done.infoString(CURLINFO_CONTENT_TYPE),
                               error: error)
            }
            engine.wait(maxMilliseconds: 100)
        }
    }
}
