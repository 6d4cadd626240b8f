import Foundation

/// Delivers findings by running a command: the notification as JSON on stdin, the key fields in
/// `SOAK_ALERT_*` environment variables (see ``environment(for:)``).
///
/// Exit status 0 is delivered; anything else — non-zero exit, death by signal, timeout, a command
/// that cannot be started — is retryable: a script has no 4xx to say "never send this again".
public struct ExecNotifier: AlertNotifier {
    public let name: String
    public let configuration: ExecConfiguration
    /// The environment the command inherits before the `SOAK_ALERT_*` variables are added.
    private let baseEnvironment: [String: String]

    public init(name: String, configuration: ExecConfiguration, baseEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.name = name
        self.configuration = configuration
        self.baseEnvironment = baseEnvironment
    }

    public func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        let program = configuration.command.first ?? ""
        guard !program.isEmpty else {
            return .retryable(AlertDeliveryError(kind: .configuration, message: "empty command", receiver: name, target: "exec"))
        }
        let input: [UInt8]
        do {
            input = Array(try notification.encoded())
        } catch {
            return .rejected(AlertDeliveryError(kind: .payload, message: "cannot encode notification: \(error)", receiver: name, target: program))
        }
        let environment = baseEnvironment.merging(ExecNotifier.environment(for: notification, receiver: name)) { _, new in new }
        let argv = configuration.command
        let timeout = configuration.timeoutSeconds
        let result = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: ChildProcess.run(argv: argv, environment: environment, stdin: input, timeoutSeconds: timeout))
            }
            thread.name = "soak-alert-exec"
            thread.start()
        }
        let stderr = result.stderrTail.trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = stderr.isEmpty ? "" : "; stderr: \(stderr.suffix(500))"
        switch result.termination {
        case .exited(0):
            return .delivered
        case .exited(let code):
            return .retryable(AlertDeliveryError(kind: .command, message: "exited with status \(code)\(detail)", receiver: name, target: program))
        case .signalled(let signal):
            return .retryable(AlertDeliveryError(kind: .command, message: "killed by signal \(signal)\(detail)", receiver: name, target: program))
        case .timedOut:
            return .retryable(AlertDeliveryError(
                kind: .timeout, message: "did not finish within \(timeout) s; its process group was killed\(detail)",
                receiver: name, target: program))
        case .spawnFailed(let code):
            return .retryable(AlertDeliveryError(
                kind: .configuration, message: "cannot start: \(String(cString: strerror(code)))", receiver: name, target: program))
        }
    }

    /// The variables a command receives. Absent facts are empty strings (never unset), so a
    /// script under `set -u` can test them.
    public static func environment(for notification: AlertNotification, receiver: String) -> [String: String] {
        let finding = notification.finding
        return [
            "SOAK_ALERT_RECEIVER": receiver,
            "SOAK_ALERT_STATE": finding.state.rawValue,
            "SOAK_ALERT_SEVERITY": finding.severity.rawValue,
            "SOAK_ALERT_SERIES": finding.seriesSelector,
            "SOAK_ALERT_METRIC": finding.metricName,
            "SOAK_ALERT_JOB": finding.seriesLabels["job"] ?? "",
            "SOAK_ALERT_INSTANCE": finding.seriesLabels["instance"] ?? "",
            "SOAK_ALERT_VERSION": finding.seriesLabels["version"] ?? "",
            "SOAK_ALERT_RESOURCE": finding.resource.labelValue,
            "SOAK_ALERT_SLOPE_PER_HOUR": AlertRendering.number(finding.slopePerHour),
            "SOAK_ALERT_GROWTH_PERCENT_PER_HOUR": AlertRendering.fixed(finding.growthPercentPerHour, 3),
            "SOAK_ALERT_HOURS_TO_EXHAUSTION": finding.hoursToExhaustion.map { AlertRendering.fixed($0, 1) } ?? "",
            "SOAK_ALERT_CONFIDENCE": AlertRendering.fixed(finding.confidence, 3),
            "SOAK_ALERT_ONSET": RFC3339.string(from: finding.onsetAt),
            "SOAK_ALERT_RESOLVED_AT": finding.resolvedAt.map { RFC3339.string(from: $0) } ?? "",
            "SOAK_ALERT_DEDUPE_KEY": finding.dedupeKey,
            "SOAK_ALERT_FINDING_URL": finding.linkURL,
            "SOAK_ALERT_SUMMARY": AlertRendering.summary(for: finding),
        ]
    }
}
