import Foundation

/// The `alerting:` section of the monitor's YAML: every hook is optional and several may be
/// configured at once.
///
/// ```yaml
/// alerting:
///   external_url: http://soak.example:9847    # links in alerts point here
///   critical_horizon_hours: 24                # exhaustion sooner than this → severity critical
///   terminal: true                            # one line per notification on stdout
///   retry: {initial_seconds: 1, max_seconds: 300}
///   alertmanagers:
///     - url: http://alertmanager:9093
///   webhooks:
///     - url: https://hooks.example/soak
///       secret_file: /etc/soak/webhook-secret
///   exec:
///     - command: ["/usr/local/bin/notify", "--channel", "soak"]
///       timeout_seconds: 30
/// ```
public struct AlertingConfiguration: Sendable, Hashable {
    /// The retry policy as written in YAML.
    public struct Retry: Sendable, Hashable {
        public var initialSeconds: Double
        public var maxSeconds: Double

        public init(initialSeconds: Double = 1, maxSeconds: Double = 300) {
            self.initialSeconds = initialSeconds
            self.maxSeconds = maxSeconds
        }
    }

    /// The monitor's URL as receivers reach it; finding links are `<external_url>/api/v1/findings/<id>`.
    public var externalURL: String
    public var criticalHorizonHours: Double
    public var terminal: Bool
    public var retry: Retry
    public var alertmanagers: [AlertmanagerConfiguration]
    public var webhooks: [WebhookConfiguration]
    public var exec: [ExecConfiguration]

    public init(
        externalURL: String = "http://127.0.0.1:9847",
        criticalHorizonHours: Double = 24,
        terminal: Bool = false,
        retry: Retry = Retry(),
        alertmanagers: [AlertmanagerConfiguration] = [],
        webhooks: [WebhookConfiguration] = [],
        exec: [ExecConfiguration] = []
    ) {
        self.externalURL = externalURL
        self.criticalHorizonHours = criticalHorizonHours
        self.terminal = terminal
        self.retry = retry
        self.alertmanagers = alertmanagers
        self.webhooks = webhooks
        self.exec = exec
    }

    /// The severity rule the daemon applies to new findings.
    public var severityPolicy: SeverityPolicy { SeverityPolicy(criticalHorizonHours: criticalHorizonHours) }

    /// The outbox's backoff.
    public var backoff: RetryBackoff { RetryBackoff(initialSeconds: retry.initialSeconds, maxSeconds: retry.maxSeconds) }

    /// How often the daemon should re-enqueue a firing episode: the shortest Alertmanager resend
    /// interval, or 60 s when none is configured.
    public var firingResendIntervalSeconds: Double {
        alertmanagers.map(\.resendIntervalSeconds).min() ?? 60
    }

    /// One notifier per configured hook, named as configured or `alertmanager-0`, `webhook-0`,
    /// `exec-0`, …, and `terminal`. Throws when the configuration cannot work (a URL that is not
    /// http(s), an empty command, a non-positive timeout, a duplicate name).
    public func makeNotifiers() throws -> [any AlertNotifier] {
        var notifiers: [any AlertNotifier] = []
        var names: Set<String> = []
        func claim(_ name: String, _ section: String) throws -> String {
            guard names.insert(name).inserted else {
                throw AlertingConfigurationError(kind: .duplicateName, message: "receiver name \(name) is used twice", section: section)
            }
            return name
        }
        func checkURL(_ url: String, _ section: String) throws {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw AlertingConfigurationError(
                    kind: .invalidURL, message: "url must start with http:// or https://: \(AlertDeliveryError.redactedURL(url))",
                    section: section)
            }
            if AlertDeliveryError.redactedURL(url) != url {
                throw AlertingConfigurationError(
                    kind: .invalidURL, message: "credentials in the url would be logged; use basic_auth with password_file",
                    section: section)
            }
        }
        func checkTimeout(_ seconds: Double, _ section: String) throws {
            guard seconds > 0, seconds.isFinite else {
                throw AlertingConfigurationError(kind: .invalidValue, message: "timeout_seconds must be positive", section: section)
            }
        }
        for (index, config) in alertmanagers.enumerated() {
            let section = "alerting.alertmanagers[\(index)]"
            try checkURL(config.url, section)
            try checkTimeout(config.timeoutSeconds, section)
            guard config.resendIntervalSeconds > 0 else {
                throw AlertingConfigurationError(kind: .invalidValue, message: "resend_interval_seconds must be positive", section: section)
            }
            let name = try claim(config.name ?? "alertmanager-\(index)", section)
            notifiers.append(AlertmanagerNotifier(name: name, configuration: config))
        }
        for (index, config) in webhooks.enumerated() {
            let section = "alerting.webhooks[\(index)]"
            try checkURL(config.url, section)
            try checkTimeout(config.timeoutSeconds, section)
            let name = try claim(config.name ?? "webhook-\(index)", section)
            notifiers.append(WebhookNotifier(name: name, configuration: config, externalURL: externalURL))
        }
        for (index, config) in exec.enumerated() {
            let section = "alerting.exec[\(index)]"
            guard let program = config.command.first, !program.isEmpty else {
                throw AlertingConfigurationError(kind: .invalidValue, message: "command must name a program", section: section)
            }
            try checkTimeout(config.timeoutSeconds, section)
            let name = try claim(config.name ?? "exec-\(index)", section)
            notifiers.append(ExecNotifier(name: name, configuration: config))
        }
        if terminal {
            notifiers.append(LogNotifier(name: try claim("terminal", "alerting.terminal")))
        }
        return notifiers
    }
}

/// A hook configuration that cannot work, with the YAML path of the offending entry.
public struct AlertingConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case invalidURL, invalidValue, duplicateName }
    public var kind: Kind
    public var message: String
    /// Where in the YAML, e.g. `alerting.webhooks[1]`.
    public var section: String

    public var description: String { "\(section): \(message)" }
}
