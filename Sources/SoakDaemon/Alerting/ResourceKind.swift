/// The kind of resource a leaking series measures; becomes the `resource` label of an alert.
///
/// Kept open (``other(_:)``) because the detector may watch series the monitor has no name for.
public enum ResourceKind: Sendable, Hashable {
    case memory
    case fileDescriptors
    case goroutines
    case threads
    case other(String)

    /// The label value: `memory`, `fds`, `goroutines`, `threads`, or the other kind's own name.
    public var labelValue: String {
        switch self {
        case .memory: "memory"
        case .fileDescriptors: "fds"
        case .goroutines: "goroutines"
        case .threads: "threads"
        case .other(let name): name
        }
    }

    /// Reads a label value back; unknown names become ``other(_:)``.
    public init(labelValue: String) {
        switch labelValue {
        case "memory": self = .memory
        case "fds": self = .fileDescriptors
        case "goroutines": self = .goroutines
        case "threads": self = .threads
        default: self = .other(labelValue)
        }
    }
}

/// Encoded as its label value, so stored payloads read like the alerts they become.
extension ResourceKind: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(labelValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(labelValue)
    }
}
