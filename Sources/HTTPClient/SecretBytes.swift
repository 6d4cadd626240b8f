/// Secret material held in memory (a token or private key from a kubeconfig) that prints as
/// `<secret>` however it is rendered: `description`, `debugDescription` and reflection
/// (`dump`, string interpolation of an enclosing value) all hide it.
public struct SecretBytes: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself. - warning: never log, store or render it.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// The secret as text (for an `Authorization` header).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
