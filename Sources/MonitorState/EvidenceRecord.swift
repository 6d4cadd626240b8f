import SeriesStore
/// One document fetched from a target when one of its series was found leaking — a Go heap
/// profile, a goroutine dump — kept beside the finding so that whoever investigates sees the
/// process as it was when the alert was raised, not after the restart that fixed it.
///
/// A failed fetch is recorded too (``error`` set, no ``data``): "we tried, the endpoint said 404"
/// is evidence that profiling is off on that component.
public struct EvidenceRecord: Sendable, Hashable {
    /// Assigned on insert (0 before), never reused.
    public var id: Int64
    /// The ``FindingRecord/id`` this belongs to.
    public var findingID: Int64
    /// What was fetched: `heap`, `goroutine`, or a configured name.
    public var name: String
    /// Where it was fetched from, without credentials.
    public var url: String
    public var fetchedMs: Int64
    /// The HTTP status, 0 when no response arrived.
    public var httpStatus: Int
    /// The response's `Content-Type`, when it sent one.
    public var contentType: String?
    /// Why there is no data (transport error, non-2xx status, size limit); nil on success.
    public var error: String?
    /// Size of the stored body in bytes.
    public var byteCount: Int
    /// The body as received; nil in listings (``SeriesStore/evidence(findingID:)``) and after a
    /// failed fetch.
    public var data: [UInt8]?

    public init(id: Int64 = 0, findingID: Int64, name: String, url: String, fetchedMs: Int64, httpStatus: Int,
                contentType: String? = nil, error: String? = nil, data: [UInt8]?) {
        self.id = id
        self.findingID = findingID
        self.name = name
        self.url = url
        self.fetchedMs = fetchedMs
        self.httpStatus = httpStatus
        self.contentType = contentType
        self.error = error
        self.byteCount = data?.count ?? 0
        self.data = data
    }
}
