/// One generic webhook, as written under `alerting.webhooks` in the YAML:
///
/// ```yaml
/// webhooks:
///   - url: https://hooks.example/soak
///     secret_file: /etc/soak/webhook-secret   # optional: signs each body with HMAC-SHA256
///     timeout_seconds: 10
/// ```
public struct WebhookConfiguration: Codable, Sendable, Hashable {
    /// The receiver's name in logs, the outbox and the payload's `receiver`; defaults to `webhook-<index>`.
    public var name: String?
    public var url: String
    /// A file holding the HMAC-SHA256 key; when set, each request carries ``signatureHeader``.
    public var secretFile: String?
    /// The header carrying `sha256=<hex>`; `X-Soak-Signature` by default.
    public var signatureHeader: String
    public var credentials: HTTPCredentials
    public var tlsCAFile: String?
    public var timeoutSeconds: Double

    public init(
        name: String? = nil,
        url: String,
        secretFile: String? = nil,
        signatureHeader: String = WebhookSignature.defaultHeader,
        credentials: HTTPCredentials = HTTPCredentials(),
        tlsCAFile: String? = nil,
        timeoutSeconds: Double = 10
    ) {
        self.name = name
        self.url = url
        self.secretFile = secretFile
        self.signatureHeader = signatureHeader
        self.credentials = credentials
        self.tlsCAFile = tlsCAFile
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, url
        case secretFile = "secret_file"
        case signatureHeader = "signature_header"
        case basicAuth = "basic_auth"
        case bearerTokenFile = "bearer_token_file"
        case tlsCAFile = "tls_ca_file"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        url = try container.decode(String.self, forKey: .url)
        secretFile = try container.decodeIfPresent(String.self, forKey: .secretFile)
        signatureHeader = try container.decodeIfPresent(String.self, forKey: .signatureHeader) ?? WebhookSignature.defaultHeader
        credentials = HTTPCredentials(
            basicAuth: try container.decodeIfPresent(HTTPCredentials.BasicAuth.self, forKey: .basicAuth),
            bearerTokenFile: try container.decodeIfPresent(String.self, forKey: .bearerTokenFile))
        tlsCAFile = try container.decodeIfPresent(String.self, forKey: .tlsCAFile)
        timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 10
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encode(url, forKey: .url)
        try container.encodeIfPresent(secretFile, forKey: .secretFile)
        try container.encode(signatureHeader, forKey: .signatureHeader)
        try container.encodeIfPresent(credentials.basicAuth, forKey: .basicAuth)
        try container.encodeIfPresent(credentials.bearerTokenFile, forKey: .bearerTokenFile)
        try container.encodeIfPresent(tlsCAFile, forKey: .tlsCAFile)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
    }
}
