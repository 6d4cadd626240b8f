/// Where a series stands, as the detector judges it and as the HTTP API, `soak analyze` and the
/// `soak_leak_state` gauge report it.
///
/// Moves ok → suspect → leak → resolved with hysteresis: a leak needs the detector's
/// `confirmBuckets` consecutive positive judgements, and resolving one needs `resolveBuckets`
/// consecutive negative ones.
public enum LeakVerdict: String, Sendable, Hashable, CaseIterable, Codable {
    /// No trend worth reporting (also: in warm-up, or not enough data yet).
    case ok
    /// A significant rising trend that has not yet persisted long enough.
    case suspect
    /// A confirmed leak; the alert was raised once when this verdict was entered.
    case leak
    /// A leak stopped growing; the next positive judgement starts a new episode.
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
