/// Why a delivery failed, with enough context to act on from a log line.
///
/// - warning: Never put a secret here. URLs are stored without userinfo
///   (``AlertDeliveryError/redactedURL(_:)``), request headers are never included, and secret
///   file *contents* never appear — only their paths.
public struct AlertDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What class of failure it was.
    public enum Kind: String, Sendable, Equatable {
        /// Could not connect, name resolution failed, TLS handshake failed, connection reset.
        case transport
        /// The request or the command exceeded its time limit.
        case timeout
        /// The receiver answered with a status other than 2xx.
        case httpStatus
        /// The exec hook exited non-zero or could not be started.
        case command
        /// A credential or CA file could not be read, or the hook is misconfigured.
        case configuration
        /// The stored payload could not be read or the body could not be made.
        case payload
    }

    public var kind: Kind
    /// A human sentence: what failed.
    public var message: String
    /// The receiver's configured name.
    public var receiver: String
    /// Where it was sent: URL without credentials, or the command's `argv[0]`.
    public var target: String
    /// The HTTP status, when there was one.
    public var httpStatus: Int?

    public init(kind: Kind, message: String, receiver: String, target: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.receiver = receiver
        self.target = target
        self.httpStatus = httpStatus
    }

    public var description: String {
        let status = httpStatus.map { " HTTP \($0)" } ?? ""
        return "\(kind.rawValue)\(status): \(message) (receiver \(receiver), \(target))"
    }

    /// `url` with any `user:password@` removed, so an error text can be logged and stored.
    public static func redactedURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + String(afterScheme[afterScheme.index(after: at)...])
    }
}
