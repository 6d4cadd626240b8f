/// Why a query failed, in Prometheus' error vocabulary (the API's `errorType`).
public struct PromQLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Prometheus' `errorType` values that the engine produces.
    public enum Kind: String, Sendable {
        /// The query text or a parameter is invalid (HTTP 400).
        case badData = "bad_data"
        /// The query was valid but evaluation failed, e.g. many-to-many matching (HTTP 422).
        case execution = "execution"
        /// Evaluation exceeded its deadline (HTTP 503).
        case timeout = "timeout"
        /// Storage could not be read (HTTP 500).
        case `internal` = "internal"
        /// Storage is not ready, e.g. while the monitor reloads (HTTP 503).
        case unavailable = "unavailable"
    }

    public let kind: Kind
    /// The message, with a `line:column:` prefix for parse errors.
    public let message: String
    /// For a construct outside SoakMonitor's PromQL subset: its name (`function "sort"`,
    /// `subquery`, `@ modifier`…), so callers can tell "unsupported" from "wrong".
    public let unsupportedConstruct: String?

    public init(_ kind: Kind, _ message: String, unsupportedConstruct: String? = nil) {
        self.kind = kind
        self.message = message
        self.unsupportedConstruct = unsupportedConstruct
    }

    /// A parse error at a 0-based character offset of the query, printed as Prometheus does:
    /// `1:7: parse error: …` (line and column 1-based).
    static func parse(_ message: String, at offset: Int, in query: [Character],
                      unsupported: String? = nil) -> PromQLError {
        var line = 1
        var column = 1
        for character in query.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return PromQLError(.badData, "\(line):\(column): parse error: \(message)", unsupportedConstruct: unsupported)
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
