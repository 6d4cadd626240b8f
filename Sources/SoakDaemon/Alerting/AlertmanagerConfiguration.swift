/// One Alertmanager to notify, as written under `alerting.alertmanagers` in the YAML:
///
/// ```yaml
/// alertmanagers:
///   - url: https://alertmanager.monitoring:9093
///     bearer_token_file: /var/run/secrets/am-token
///     tls_ca_file: /etc/soak/ca.pem
///     timeout_seconds: 10
///     resend_interval_seconds: 60
/// ```
public struct AlertmanagerConfiguration: Sendable, Hashable {
    /// The receiver's name in logs and in the outbox; defaults to `alertmanager-<index>`.
    public var name: String?
    /// The Alertmanager's base URL; alerts go to `<url>/api/v2/alerts`.
    public var url: String
    public var credentials: HTTPCredentials
    /// A PEM bundle to verify the Alertmanager's certificate with (the system store otherwise).
    public var tlsCAFile: String?
    /// The whole request, connect to response; 10 s by default.
    public var timeoutSeconds: Double
    /// How often a firing alert is re-sent. Alertmanager resolves an alert whose `endsAt` has
    /// passed, so a firing alert must be refreshed; each send sets `endsAt` to
    /// 4 × this interval ahead, as Prometheus does. 60 s by default.
    public var resendIntervalSeconds: Double

    public init(
        name: String? = nil,
        url: String,
        credentials: HTTPCredentials = HTTPCredentials(),
        tlsCAFile: String? = nil,
        timeoutSeconds: Double = 10,
        resendIntervalSeconds: Double = 60
    ) {
        self.name = name
        self.url = url
        self.credentials = credentials
        self.tlsCAFile = tlsCAFile
        self.timeoutSeconds = timeoutSeconds
        self.resendIntervalSeconds = resendIntervalSeconds
    }
}
