/// One HTTP request an alert hook sends: method, URL, headers, body and the limits on it.
///
/// - warning: `headers` and `basicAuth` may hold credentials; nothing derived from a request
///   other than its redacted URL may reach an error text or a log line.
struct HTTPRequest: Sendable {
    /// A user name and password for HTTP basic auth, passed to libcurl apart from the URL.
    struct BasicAuth: Sendable {
        var username: String
        var password: String
    }

    var method: String
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The whole exchange, connect to last byte.
    var timeoutSeconds: Double
    /// The TCP and TLS handshake alone; a down receiver fails fast instead of using the budget.
    var connectTimeoutSeconds: Double
    /// A PEM bundle to verify the server with instead of the system store.
    var caFile: String?
    var basicAuth: BasicAuth?

    init(
        method: String = "POST",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        timeoutSeconds: Double = 10,
        connectTimeoutSeconds: Double = 5,
        caFile: String? = nil,
        basicAuth: BasicAuth? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.caFile = caFile
        self.basicAuth = basicAuth
    }
}

/// What came back: the status and the start of the body (enough for an error message).
struct HTTPResponse: Sendable {
    var status: Int
    var body: [UInt8]

    /// The body as text for an error message: at most `limit` characters, on one line.
    func bodyExcerpt(limit: Int = 300) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// A request that got no HTTP answer at all.
struct HTTPTransportFailure: Error, Sendable {
    enum Kind: Sendable { case timeout, transport }
    var kind: Kind
    /// libcurl's explanation (host and port, never the URL's userinfo or headers).
    var message: String
}
