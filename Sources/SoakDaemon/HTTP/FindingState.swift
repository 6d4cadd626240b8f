/// Where a tracked series stands, as the HTTP API and `soak_leak_state` report it.
///
/// The raw values are `LeakDetection.LeakVerdict`'s, so the pipeline maps a verdict with
/// `FindingState(rawValue: verdict.rawValue)!`; `SoakDaemon` does not import the detector.
public enum FindingState: String, Codable, Sendable, Hashable, CaseIterable {
    /// No trend worth reporting (also: warm-up, not enough data yet).
    case ok
    /// A significant rising trend that has not yet persisted long enough.
    case suspect
    /// A confirmed leak: an alert episode is open.
    case leak
    /// A leak that stopped growing; the episode is closed.
    case resolved

    /// The value of the `soak_leak_state` gauge: 0 ok, 1 suspect, 2 leak.
    ///
    /// A resolved episode is no longer growing, so it reads 0 like `ok`: an alert rule on
    /// `soak_leak_state == 2` then ends when the episode does.
    public var gaugeValue: Double {
        switch self {
        case .ok, .resolved: 0
        case .suspect: 1
        case .leak: 2
        }
    }
}
