import CCurl

/// A single GET with an endpoint's TLS, credentials, proxy, timeout and size limit, returning
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
        public var error: HTTPFailure?

        public init(status: Int, body: [UInt8], contentType: String? = nil, error: HTTPFailure?) {
            self.status = status
            self.body = body
            self.contentType = contentType
            self.error = error
        }
    }

    /// Blocks the calling thread until the request finishes or times out: call it from a thread
    /// that may block (``BlockingWork``), not from Swift concurrency's cooperative pool.
    public static func get(_ target: HTTPTarget) -> Outcome {
        guard let transfer = CurlTransfer(settings: target) else {
            return Outcome(status: 0, body: [], error: HTTPFailure(kind: .transport, message: "cannot create a libcurl handle",
                                                                   url: target.redactedURL))
        }
        let engine = CurlMultiEngine<CurlTransfer>()
        _ = engine.start(transfer)
        while true {
            if let (done, code) = engine.perform().first {
                done.inFlight = false
                let status = done.credentialsError == nil ? done.infoLong(CURLINFO_RESPONSE_CODE) : 0
                return Outcome(status: status, body: done.credentialsError == nil ? done.body : [],
                               contentType: done.infoString(CURLINFO_CONTENT_TYPE),
                               error: done.failure(code: code, status: status))
            }
            engine.wait(maxMilliseconds: 100)
        }
    }

    /// ``get(_:)`` on a thread that may block, suspending the caller meanwhile.
    public static func get(_ target: HTTPTarget) async -> Outcome {
        await BlockingWork.run { get(target) }
    }
}
