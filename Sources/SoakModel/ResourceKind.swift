/// What a series measures, as far as leaks are concerned: decides how growth is described,
/// which limit (if any) bounds it, and becomes the `resource` label of an alert and the
/// `resource` column of a stored finding.
///
/// The raw value is that label value. Metrics an operator chose to watch that have no kind of
/// their own are ``other``.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Codable {
    case memory
    case fileDescriptors = "fds"
    case goroutines
    case threads
    /// Anything else the operator chose to watch.
    case other

    /// The label value: `memory`, `fds`, `goroutines`, `threads` or `other`.
    public var labelValue: String { rawValue }

    /// Reads a label value back; names this build does not know read as ``other``.
    public init(labelValue: String) {
        self = ResourceKind(rawValue: labelValue) ?? .other
    }
}
