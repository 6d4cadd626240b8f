/// Why a heap profile or goroutine dump could not be read, and where.
///
/// `offset` is a byte offset into the (decompressed) document for binary input; `line` is a
/// 1-based line for goroutine dumps. `description` reads well in a log line or on stderr:
/// `goroutine dump line 12: expected "#\t0x… function+0x… file:line", got "…"`.
public struct EvidenceDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure it is.
    public enum Kind: String, Sendable {
        /// Not a gzipped profile.proto, not a goroutine dump.
        case unknownFormat
        /// The gzip stream is corrupt or ends early.
        case gzip
        /// Decompressed, the document exceeds the size limit.
        case tooLarge
        /// The bytes are not a valid profile.proto message.
        case protobuf
        /// A valid protobuf whose references do not resolve (a location id no location has,
        /// a string index past the table, a sample with the wrong number of values).
        case profile
        /// A goroutine dump line that does not parse.
        case goroutineDump
        /// The requested sample index is not in the profile.
        case sampleIndex
        /// The two documents cannot be compared (a heap profile against a goroutine dump).
        case mismatch
    }

    public let kind: Kind
    /// A human explanation of what is wrong.
    public let message: String
    /// The 1-based line of a goroutine dump, when the error is in one.
    public let line: Int?

    public init(_ kind: Kind, _ message: String, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "\(kind.rawValue) at line \(line): \(message)" }
        return "\(kind.rawValue): \(message)"
    }
}
