/// Why a discovery refresh failed: the kind, a secret-free message and where (API URL or
/// kubeconfig path). The previous target list stays in use until a refresh succeeds.
public struct DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// No API server could be determined (no api_server, kubeconfig or in-cluster environment).
        case configuration
        /// The kubeconfig file is missing or malformed.
        case kubeconfig
        /// The list request failed (connection, TLS, HTTP status).
        case request
        /// The response is not a list of the expected shape.
        case decoding
    }

    public var kind: Kind
    public var message: String
    public var context: String

    public init(kind: Kind, message: String, context: String) {
        self.kind = kind
        self.message = message
        self.context = context
    }

    public var description: String { "kubernetes discovery (\(context)): \(message)" }
}
