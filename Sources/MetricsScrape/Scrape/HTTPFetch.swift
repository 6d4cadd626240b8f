import CCurl

/// A single GET with a target's TLS, credentials, proxy, timeout and size limit, returning
/// the raw body: what discovery uses to list nodes and pods from the API server, through the
/// same libcurl setup (and the same secret-free errors) as scrapes.
struct HTTPFetch {
    struct Outcome {
        var status: Int
        var body: [UInt8]
        var error: ScrapeError?
    }

    /// Blocks the calling thread until the request finishes or times out.
    static func get(_ target: ScrapeTarget) -> Outcome {
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
                return Outcome(status: status, body: done.body, error: error)
            }
            engine.wait(maxMilliseconds: 100)
        }
    }
}
