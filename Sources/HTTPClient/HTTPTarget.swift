/// Where and how to make a GET: URL, limits, TLS, credentials, proxy and the fixed headers.
///
/// What every transfer of this module is made from: a scrape (``CurlTransfer`` subclassed by the
/// scraper), a discovery call or an evidence fetch (``HTTPFetch``). The scraper derives one from
/// its `ScrapeTarget`, so all three use the same libcurl setup and the same secret-free errors.
public struct HTTPTarget: Sendable, Hashable {
    /// Full URL including scheme, host, port, path and query.
    public var url: String
    /// The whole exchange, connect to last byte (also the connect timeout).
    public var timeoutSeconds: Double
    /// Bodies above this many bytes (after decompression) are aborted.
    public var bodyLimitBytes: Int
    public var tls: TLSSettings
    public var authorization: HTTPAuthorization
    /// HTTP or HTTPS proxy; may carry userinfo, which is never logged.
    public var proxyURL: String?
    /// Whether 3xx answers are followed.
    public var followRedirects: Bool
    /// How long an idle connection stays reusable (libcurl's default is 118 s; a scrape
    /// interval of minutes needs longer).
    public var connectionMaxAgeSeconds: Double
    /// Header lines sent with every request besides `Authorization` (`Accept: …`).
    public var headers: [String]

    public init(url: String, timeoutSeconds: Double, bodyLimitBytes: Int, tls: TLSSettings = TLSSettings(),
                authorization: HTTPAuthorization = .none, proxyURL: String? = nil, followRedirects: Bool = true,
                connectionMaxAgeSeconds: Double = 118, headers: [String] = []) {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.bodyLimitBytes = bodyLimitBytes
        self.tls = tls
        self.authorization = authorization
        self.proxyURL = proxyURL
        self.followRedirects = followRedirects
        self.connectionMaxAgeSeconds = connectionMaxAgeSeconds
        self.headers = headers
    }

    /// The URL without userinfo: what errors and logs show.
    public var redactedURL: String { CredentialRedactor.redactURL(url) }
}
