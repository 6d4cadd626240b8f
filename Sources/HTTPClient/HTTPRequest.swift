/// One HTTP request an alert hook sends: method, URL, headers, body and the limits on it.
///
/// - warning: `headers` and `basicAuth` may hold credentials; nothing derived from a request
///   other than its redacted URL may reach an error text or a log line.
public struct HTTPRequest: Sendable {
    /// A user name and password for HTTP basic auth, passed to libcurl apart from the URL.
    public struct BasicAuth: Sendable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange, connect to last byte.
    public var timeoutSeconds: Double
    /// The TCP and TLS handshake alone; a down receiver fails fast instead of using the budget.
    public var connectTimeoutSeconds: Double
    /// A PEM bundle to verify the server with instead of the system store.
    public var caFile: String?
    public var basicAuth: BasicAuth?

    public init(
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
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// The body as text for an error message: at most `limit` characters, on one line.
    public func bodyExcerpt(limit: Int = 300) -> String {
        let oneLine = String(decoding: body.prefix(limit * 4), as: UTF8.self).replacingAll("\n", with: " ")
        let text = String(oneLine.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
