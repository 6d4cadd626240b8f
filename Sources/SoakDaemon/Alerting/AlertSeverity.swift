/// How urgent a leak is; becomes the `severity` label, the conventional Alertmanager routing key.
public enum AlertSeverity: String, Codable, Sendable, Hashable, Comparable {
    /// A confirmed leak with no exhaustion projected inside the horizon.
    case warning
    /// Exhaustion projected within the horizon (``SeverityPolicy/criticalHorizonHours``).
    case critical

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool {
        lhs == .warning && rhs == .critical
    }
}

/// Decides a finding's severity from its projected time to exhaustion.
///
/// A leak that will take down the component before anyone reads a morning report is critical;
/// one that grows but has no known limit, or a far one, is a warning.
public struct SeverityPolicy: Codable, Sendable, Hashable {
    /// Exhaustion within this many hours makes a finding critical; 24 h by default.
    public var criticalHorizonHours: Double

    public init(criticalHorizonHours: Double = 24) {
        self.criticalHorizonHours = criticalHorizonHours
    }

    /// `critical` when `hoursToExhaustion` is known and within the horizon, else `warning`.
    public func severity(hoursToExhaustion: Double?) -> AlertSeverity {
        guard let hours = hoursToExhaustion, hours.isFinite else { return .warning }
        return hours <= criticalHorizonHours ? .critical : .warning
    }
}
