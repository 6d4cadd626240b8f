import CCurl

/// One endpoint's libcurl easy handle and per-request state, owned by the thread that drives
/// its ``CurlMultiEngine``.
///
/// The handle lives as long as the endpoint so that libcurl keeps its TLS session and the
/// connection for the next request (connection reuse); only headers whose credentials changed
/// are rebuilt between requests. The scraper subclasses it to keep per-target state beside it.
open class CurlTransfer {
    /// What the handle was configured from.
    public let settings: HTTPTarget
    public let handle: UnsafeMutableRawPointer
    /// Body of the current request; capacity kept between requests to avoid regrowing.
    public internal(set) var body: [UInt8] = []
    public internal(set) var bodyLimitExceeded = false
    public var inFlight = false
    public internal(set) var startedMonotonic = 0.0
    public internal(set) var startedWallMs: Int64 = 0

    private var headers: UnsafeMutablePointer<curl_slist>?
    private var connectTo: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var token: SecretFile?
    private var password: SecretFile?
    /// Result of the last credentials refresh; reported instead of scraping without credentials.
    public private(set) var credentialsError: String?

    /// Makes the handle and sets every option that does not change between requests.
    public init?(settings: HTTPTarget) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        self.settings = settings
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
        curl_slist_free_all(connectTo)
        errorBuffer.deallocate()
    }

    private func setLong(_ option: CURLoption, _ value: Int) { _ = soak_curl_easy_setopt_long(handle, option, value) }
    private func setString(_ option: CURLoption, _ value: String) { _ = soak_curl_easy_setopt_string(handle, option, value) }

    private func setBlob(_ option: CURLoption, _ secret: SecretBytes) {
        _ = secret.bytes.withUnsafeBytes { soak_curl_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }
    }

    private func configure() {
        let target = settings
        let timeoutMs = max(1, Int(target.timeoutSeconds * 1000))
        var url = target.url
        // server_name: libcurl takes SNI and the verified name from the URL's host, so the URL
        // names the server and CURLOPT_CONNECT_TO sends the connection to the real address.
        if let serverName = target.tls.serverName, let parts = URLParts(url), parts.scheme == "https" {
            url = parts.replacingHost(with: serverName)
            connectTo = curl_slist_append(nil, "\(serverName):\(parts.port):\(parts.host):\(parts.port)")
            _ = soak_curl_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo)
        }
        setString(CURLOPT_URL, url)
        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_TIMEOUT_MS, timeoutMs)
        setLong(CURLOPT_CONNECTTIMEOUT_MS, timeoutMs)
        setString(CURLOPT_PROTOCOLS_STR, "http,https")
        setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        setLong(CURLOPT_FOLLOWLOCATION, target.followRedirects ? 1 : 0)
        setLong(CURLOPT_MAXREDIRS, 10)
        // Decompressed size is what the write callback limits, so a gzip bomb is cut off too.
        setString(CURLOPT_ACCEPT_ENCODING, "gzip")
        setString(CURLOPT_USERAGENT, "SoakMonitor/0.1")
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        // libcurl 7.x prunes its whole DNS cache on every transfer; with one entry per target that
        // scan dominated CPU at thousands of targets. Connections are reused, so lookups only
        // happen on reconnect, which is also when a changed DNS answer should be picked up.
        setLong(CURLOPT_DNS_CACHE_TIMEOUT, 0)
        // Keep idle connections reusable across long intervals (libcurl's default is 118 s).
        setLong(CURLOPT_MAXAGE_CONN, max(118, Int(target.connectionMaxAgeSeconds)))
        _ = soak_curl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(target.bodyLimitBytes))
        _ = soak_curl_easy_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, CurlGlobal.writeBody)
        _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque())
        _ = soak_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)

        let tls = target.tls
        if let caFile = tls.caFile { setString(CURLOPT_CAINFO, caFile) }
        if let certFile = tls.certFile { setString(CURLOPT_SSLCERT, certFile) }
        if let keyFile = tls.keyFile { setString(CURLOPT_SSLKEY, keyFile) }
        if tls.caFile == nil, let pem = tls.caPEM { setBlob(CURLOPT_CAINFO_BLOB, pem) }
        if tls.certFile == nil, let pem = tls.certPEM { setBlob(CURLOPT_SSLCERT_BLOB, pem) }
        if tls.keyFile == nil, let pem = tls.keyPEM { setBlob(CURLOPT_SSLKEY_BLOB, pem) }
        setLong(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1)
        setLong(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2)
        // Like Prometheus (proxy_from_environment defaults to false), only proxy_url is used:
        // an empty CURLOPT_PROXY stops libcurl from consulting http_proxy/HTTPS_PROXY on every request.
        setString(CURLOPT_PROXY, target.proxyURL ?? "")

        switch target.authorization {
        case .none, .inlineCredentials: break
        case .credentialsFile(_, let path): token = SecretFile(path: path)
        case .basic(let username, let passwordFile):
            setLong(CURLOPT_HTTPAUTH, SOAK_CURLAUTH_BASIC)
            setString(CURLOPT_USERNAME, username)
            if let passwordFile { password = SecretFile(path: passwordFile) } else { setString(CURLOPT_PASSWORD, "") }
        }
        rebuildHeaders()
    }

    /// Re-reads changed credentials files and updates the handle; sets ``credentialsError`` on failure.
    public func refreshCredentials() {
        credentialsError = nil
        do {
            if let token, try token.refresh() { rebuildHeaders() }
            if let password, try password.refresh() { setString(CURLOPT_PASSWORD, password.contents) }
        } catch {
            credentialsError = error.message
        }
    }

    /// Forces the credentials files to be read again before the next scrape (after a 401).
    public func invalidateCredentials() {
        token?.invalidate()
        password?.invalidate()
    }

    /// The secrets currently in use, so error texts can be scrubbed of them.
    public var secrets: [String] {
        var secrets = [token?.contents, password?.contents].compactMap { $0 }.filter { !$0.isEmpty }
        if case .inlineCredentials(_, let secret) = settings.authorization { secrets.append(secret.text) }
        return secrets
    }

    private func rebuildHeaders() {
        let old = headers
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in settings.headers { list = curl_slist_append(list, header) }
        if case .credentialsFile(let type, _) = settings.authorization, let token, !token.contents.isEmpty {
            list = curl_slist_append(list, "Authorization: \(type) \(token.contents)")
        }
        if case .inlineCredentials(let type, let secret) = settings.authorization {
            list = curl_slist_append(list, "Authorization: \(type) \(secret.text)")
        }
        headers = list
        _ = soak_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        curl_slist_free_all(old)
    }

    /// Clears per-request state before the handle is added to the multi handle.
    func prepareForRequest(monotonic: Double, wallMs: Int64) {
        // Keep the buffer between requests for typical bodies, but do not pin megabytes per
        // target for weeks because a cAdvisor endpoint once returned a large answer.
        body.removeAll(keepingCapacity: body.capacity <= 1 << 20)
        bodyLimitExceeded = false
        errorBuffer[0] = 0
        startedMonotonic = monotonic
        startedWallMs = wallMs
        inFlight = true
    }

    /// Whether the last transfer got as far as a completed TLS handshake.
    public var tlsHandshakeCompleted: Bool {
        var microseconds: curl_off_t = 0
        _ = soak_curl_easy_getinfo_off_t(handle, CURLINFO_APPCONNECT_TIME_T, &microseconds)
        return microseconds > 0
    }

    /// libcurl's detailed message for the last failure (may be empty).
    public var errorDetail: String { String(cString: errorBuffer) }

    public func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = soak_curl_easy_getinfo_long(handle, info, &value)
        return value
    }

    public func infoString(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard soak_curl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}

/// The parts of an `http(s)://host:port/path` URL the transport needs, without Foundation.
public struct URLParts: Sendable {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Everything from the first `/` after the authority (path and query).
    public var rest: String

    public init?(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        rest = String(afterScheme[authorityEnd...])
        let defaultPort = scheme == "https" ? 443 : 80
        if authority.hasPrefix("[") {  // IPv6 literal
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? defaultPort : defaultPort
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let parsed = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = parsed
        } else {
            host = String(authority)
            port = defaultPort
        }
        if host.isEmpty { return nil }
    }

    public func replacingHost(with newHost: String) -> String { "\(scheme)://\(newHost):\(port)\(rest)" }
}
