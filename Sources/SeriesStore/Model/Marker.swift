/// An event on the timeline that explains a step in the metrics: a process restart resets a
/// leak's baseline, a version change is what a before/after comparison is about.
public struct Marker: Hashable, Sendable {
    /// What happened. Stored as text (`restart`, `version_change`, or the custom string).
    public enum Kind: Hashable, Sendable {
        case restart
        case versionChange
        case other(String)

        public var storedName: String {
            switch self {
            case .restart: "restart"
            case .versionChange: "version_change"
            case .other(let name): name
            }
        }

        public init(storedName: String) {
            switch storedName {
            case "restart": self = .restart
            case "version_change": self = .versionChange
            default: self = .other(storedName)
            }
        }
    }

    public var kind: Kind
    public var target: String
    public var timestampMs: Int64
    /// Free text: the new version string, the restart count, …
    public var detail: String

    public init(kind: Kind, target: String, timestampMs: Int64, detail: String = "") {
        self.kind = kind
        self.target = target
        self.timestampMs = timestampMs
        self.detail = detail
    }
}
