/// How a `SeriesStore` chunks, flushes and retains data.
public struct StoreConfiguration: Sendable {
    /// How fsync-heavy commits are. In WAL mode `.normal` syncs the WAL only at checkpoints:
    /// a committed flush survives a process crash (SIGKILL) but the last flushes before an OS
    /// crash or power loss may be rolled back (never corrupted). `.full` also survives power loss
    /// at the cost of one fsync per flush: 1–7 ms more per 10-s flush here (`SoakBench store
    /// ingest`), so it is the default; `.normal` suits bulk imports on a disk with slow fsync.
    public enum Synchronous: String, Sendable {
        case normal = "NORMAL"
        case full = "FULL"
    }

    /// Samples are durable at most this long after they were appended (`flushIfDue()`).
    public var flushIntervalSeconds: Double = 10
    /// Chunks cover aligned windows of this length (a multiple of 5 min); Prometheus uses 2 h.
    public var chunkSpanMs: Int64 = 2 * 3_600_000
    /// A chunk is also sealed at this many samples (bounds the re-written head at fast scrapes).
    public var maxSamplesPerChunk = 1024
    /// Raw chunks whose last sample is older than this are dropped by `applyRetention`.
    public var rawRetentionMs: Int64 = 90 * 86_400_000
    /// 5-minute rollups (and scrape health) are kept this long.
    public var rollupRetentionMs: Int64 = 730 * 86_400_000
    public var synchronous: Synchronous = .full
    /// How long to wait for another connection's lock before failing with `.locked`.
    public var busyTimeoutMs: Int32 = 5_000
    /// Open without write access: queries work, appends are refused.
    public var readOnly = false
    /// Test hook: caps the file size in pages (`PRAGMA max_page_count`) to provoke `SQLITE_FULL`.
    var maxPageCount: Int?

    public init() {}

    /// The rollup bucket width: 5 minutes, fixed by the schema.
    public static let rollupBucketMs: Int64 = 300_000
}
