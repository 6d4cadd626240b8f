import Crypto
import Foundation

/// The bearer token the HTTP surface expects, kept only as its SHA-256 digest.
///
/// Holding the digest rather than the text means the token cannot end up in a log line, a
/// crash report's string dump or a `description`; comparing digests of equal length with a
/// branch-free loop makes the check independent of where a guess first differs and of the
/// guess's length (timing side channels, CWE-208).
public struct BearerToken: Sendable, Hashable, CustomStringConvertible {
    private let digest: [UInt8]

    /// The token with the given text (surrounding whitespace removed).
    public init(_ token: String) {
        digest = Array(SHA256.hash(data: Array(token.trimmingCharacters(in: .whitespacesAndNewlines).utf8)))
    }

    /// Reads the token from a file such as a mounted Kubernetes secret.
    public init(contentsOfFile path: String) throws(MonitorHTTPError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MonitorHTTPError(kind: .tokenFileUnreadable, message: "cannot read the bearer token file", context: path)
        }
        let text = String(decoding: data, as: UTF8.self)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw MonitorHTTPError(kind: .tokenFileEmpty, message: "the bearer token file is empty", context: path)
        }
        self.init(text)
    }

    /// Whether `candidate` is the token, in time independent of its content.
    public func matches(_ candidate: String) -> Bool {
        let other = Array(SHA256.hash(data: Array(candidate.utf8)))
        var difference: UInt8 = 0
        for index in 0..<digest.count {
            difference |= digest[index] ^ other[index]
        }
        return difference == 0
    }

    /// The credential of an `Authorization: Bearer <credential>` header value (scheme
    /// case-insensitive, RFC 7235 §2.1); `nil` for another scheme or an empty credential.
    public static func credential(fromAuthorization header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.drop { $0 == " " }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let credential = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return credential.isEmpty ? nil : credential
    }

    /// Never the token: `BearerToken(<redacted>)`.
    public var description: String { "BearerToken(<redacted>)" }
}
