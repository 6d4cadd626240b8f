import Foundation

/// One document fetched for a finding (a heap profile, a goroutine dump), as the HTTP surface
/// lists it under the finding; its body is served by `GET /api/v1/evidence/{id}`.
///
/// - warning: ``contentType`` and ``error`` come from (or describe) the scraped target and are
///   untrusted; the body is never served with the target's content type (see ``servedContentType``).
public struct EvidenceSnapshot: Sendable, Hashable {
    public var id: String
    /// `heap`, `goroutine`, or a configured name.
    public var name: String
    /// Where it was fetched from, without credentials.
    public var url: String
    public var fetchedAt: Date
    /// The HTTP status, 0 when no response arrived.
    public var httpStatus: Int
    /// The `Content-Type` the target sent.
    public var contentType: String?
    public var byteCount: Int
    /// Why there is no body; nil when the fetch succeeded.
    public var error: String?

    public init(id: String, name: String, url: String, fetchedAt: Date, httpStatus: Int, contentType: String?,
                byteCount: Int, error: String?) {
        self.id = id
        self.name = name
        self.url = url
        self.fetchedAt = fetchedAt
        self.httpStatus = httpStatus
        self.contentType = contentType
        self.byteCount = byteCount
        self.error = error
    }

    /// Where the body is served, relative to the monitor's HTTP root.
    public var path: String { "/api/v1/evidence/\(id)" }

    /// What the body is served as: plain text for a text answer (a goroutine dump), otherwise
    /// bytes. Never the target's own type: an `text/html` answer would run in the monitor's origin.
    public var servedContentType: String {
        (contentType ?? "").lowercased().hasPrefix("text/plain") ? "text/plain; charset=utf-8" : "application/octet-stream"
    }

    /// A download name built only from safe characters: `finding-12-heap.pb.gz`, `finding-12-goroutine.txt`.
    public func fileName(findingID: String) -> String {
        func safe(_ text: String) -> String {
            String(text.unicodeScalars.map { scalar -> Character in
                (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")) ? Character(scalar) : "_"
            }.prefix(64))
        }
        let suffix = servedContentType.hasPrefix("text/") ? "txt" : (name == "heap" ? "pb.gz" : "bin")
        return "finding-\(safe(findingID))-\(safe(name)).\(suffix)"
    }
}

/// A piece of evidence with its body, for `GET /api/v1/evidence/{id}`.
public struct EvidenceDocument: Sendable {
    public var snapshot: EvidenceSnapshot
    /// The finding it belongs to.
    public var findingID: String
    public var body: [UInt8]

    public init(snapshot: EvidenceSnapshot, findingID: String, body: [UInt8]) {
        self.snapshot = snapshot
        self.findingID = findingID
        self.body = body
    }
}
