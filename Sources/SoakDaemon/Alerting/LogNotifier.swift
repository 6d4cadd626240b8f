/// Delivers findings as one human line each, to the terminal by default; the demo uses it.
///
/// Always delivered: printing cannot be refused. The line is ``line(for:)``, e.g.
/// `LEAK FIRING critical fds process_open_fds{instance="127.0.0.1:9100",job="demo"} +12.50 %/h, 240 per hour, exhaustion in 3.2 h (confidence 0.98) http://127.0.0.1:9847/api/v1/findings/7`.
public struct LogNotifier: AlertNotifier {
    public let name: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where each line goes; standard output by default.
    public init(name: String = "terminal", write: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.name = name
        self.write = write
    }

    public func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        write(LogNotifier.line(for: notification))
        return .delivered
    }

    /// The one line printed for `notification`.
    public static func line(for notification: AlertNotification) -> String {
        let finding = notification.finding
        var rate = "\(AlertRendering.signed(finding.growthPercentPerHour)) %/h, \(AlertRendering.rate(finding.slopePerHour, finding.resource))"
        if let hours = finding.hoursToExhaustion, finding.state == .firing {
            rate += ", exhaustion in \(AlertRendering.fixed(hours, 1)) h"
        }
        var parts = [
            "LEAK \(finding.state.rawValue.uppercased()) \(finding.severity.rawValue) \(finding.resource.labelValue)",
            finding.seriesSelector,
            rate,
            "(confidence \(AlertRendering.fixed(finding.confidence, 2)))",
        ]
        if let resolvedAt = finding.resolvedAt, finding.state == .resolved {
            parts.append("resolved at \(RFC3339.string(from: resolvedAt))")
        }
        parts.append(finding.linkURL)
        return parts.joined(separator: " ")
    }
}
