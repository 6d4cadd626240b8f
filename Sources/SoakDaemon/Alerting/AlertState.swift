/// Whether a leak episode is ongoing or over, as a notification reports it.
public enum AlertState: String, Codable, Sendable, Hashable {
    case firing
    case resolved
}
