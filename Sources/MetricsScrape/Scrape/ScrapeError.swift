import HTTPClient

/// Why one scrape of one target failed: the kind, a message fit for a log line, and the
/// target's URL with any credentials removed.
///
/// The message is built from libcurl's error text and the HTTP status, then passed through
/// ``CredentialRedactor`` so that no token, password or URL userinfo can reach a log or a store.
public struct ScrapeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarse enough to count and alert on.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// TCP connection refused, reset, or the host could not be resolved.
        case connection
        /// The scrape did not finish within its timeout.
        case timeout
        /// TLS handshake or certificate verification failed.
        case tls
        /// The server answered with an HTTP status outside 2xx.
        case httpStatus
        /// The body was larger than the configured limit; the transfer was aborted.
        case bodyTooLarge
        /// The body arrived but is not a valid exposition.
        case parse
        /// A credentials file (bearer token, password) could not be read.
        case credentials
        /// Any other libcurl failure.
        case transport
    }

    public var kind: Kind
    /// A human message without secrets, e.g. `body exceeds limit of 1048576 bytes`.
    public var message: String
    /// The scraped URL with userinfo removed.
    public var url: String

    public init(kind: Kind, message: String, url: String) {
        self.kind = kind
        self.message = message
        self.url = url
    }

    public var description: String { "scrape \(url) failed (\(kind.rawValue)): \(message)" }

    /// The HTTP client's failure of a scrape (the kinds share their raw values).
    public init(_ failure: HTTPFailure) {
        self.init(kind: Kind(rawValue: failure.kind.rawValue) ?? .transport, message: failure.message, url: failure.url)
    }
}
