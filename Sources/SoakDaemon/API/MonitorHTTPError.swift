/// Why the HTTP surface could not start: a bad listen address or an unusable token file.
///
/// `context` names the address or the file path — never the token.
public struct MonitorHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The `host:port` text does not parse.
        case invalidListenAddress
        /// The bearer token file cannot be read.
        case tokenFileUnreadable
        /// The bearer token file is empty (after trimming whitespace).
        case tokenFileEmpty
    }

    public var kind: Kind
    /// A human explanation.
    public var message: String
    /// The listen address or the token file's path.
    public var context: String

    public init(kind: Kind, message: String, context: String) {
        self.kind = kind
        self.message = message
        self.context = context
    }

    public var description: String { "\(kind.rawValue): \(message) (\(context))" }
}
