/// One generic webhook, as written under `alerting.webhooks` in the YAML:
///
/// ```yaml
/// webhooks:
///   - url: https://hooks.example/soak
///     secret_file: /etc/soak/webhook-secret   # optional: signs each body with HMAC-SHA256
///     timeout_seconds: 10
/// ```
public struct WebhookConfiguration: Sendable, Hashable {
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
}
