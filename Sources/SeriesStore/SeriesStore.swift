import SoakModel
import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Compressed, crash-safe time-series storage in one SQLite file.
///
/// Samples go into an in-memory head per series (a growing Gorilla chunk); `flush()` writes, in one
/// transaction, every chunk sealed since the last flush (with its 5-minute rollups) and re-writes
/// each changed open chunk in place. What a flush committed survives a SIGKILL; what it did not is
/// what a crash loses, so samples are durable within `flushIntervalSeconds` when the owner calls
/// `flushIfDue()` after each batch of appends. On open the open chunks are restored, so appending
/// resumes with neither gaps nor duplicates. See docs/storage.md.
///
/// ```swift
/// let store = try SeriesStore(path: "soak.db")
/// let rss = try store.seriesID(for: SeriesKey(metric: "process_resident_memory_bytes",
///                                             labels: [Label("job", "etcd")]))
/// _ = store.append(rss, timestampMs: 1_700_000_000_000, value: 1.5e8)
/// try store.flushIfDue()
/// let recent = try store.samples(of: rss, fromMs: 1_699_990_000_000)
/// try store.close()
/// ```
///
/// - warning: Not thread-safe: confine a store to one thread or actor (the daemon owns it in an
///   actor). One writer per file; a second process gets `.locked` errors.
public final class SeriesStore {
    public let path: String
    public let configuration: StoreConfiguration
    package let database: Database
    /// Held from open to close by a writable store: one writer per file.
    private let writerLock: WriterLock?

    var heads: [SeriesHead] = []
    /// `series.id` → index in `heads`, -1 for ids not present.
    var slotByID: [Int32] = []
    var slotByKey: [SeriesKey: Int] = [:]
    var slotsByMetric: [String: [Int]] = [:]
    /// Slots whose head changed since the last flush.
    var dirtySlots: [Int] = []
    /// Slots whose `series` row is not written yet.
    var unstoredSlots: [Int] = []
    var families: [String: StoredMetricFamily] = [:]
    var unflushedFamilies: [StoredMetricFamily] = []
    var unflushedHealth: [ScrapeHealth] = []
    var unflushedMarkers: [Marker] = []
    /// The newest sample timestamp seen: heads whose window ended well before it are sealed.
    var newestTimestampMs: Int64 = .min
    private var lastFlush = ContinuousClock.now
    private var isClosed = false

    /// Samples appended and rejected since open.
    public private(set) var stats = IngestStats()

    /// Opens or creates the store at `path`, migrating an older schema.
    ///
    /// - throws: `.cannotOpen`, `.corrupt` (not a database / damaged), `.readOnly` (write-protected
    ///   file opened for writing), `.locked`, `.schemaTooNew`, `.invalidArgument` (configuration).
    public init(path: String, configuration: StoreConfiguration = StoreConfiguration()) throws(StoreError) {
        let span = configuration.chunkSpanMs
        guard span > 0, span % StoreConfiguration.rollupBucketMs == 0 else {
            throw StoreError(kind: .invalidArgument, message: "chunkSpanMs \(span) must be a positive multiple of 300000", path: path)
        }
        guard configuration.maxSamplesPerChunk >= 2 else {
            throw StoreError(kind: .invalidArgument, message: "maxSamplesPerChunk must be at least 2", path: path)
        }
        self.path = path
        self.configuration = configuration
        writerLock = configuration.readOnly ? nil : try WriterLock(databasePath: path)
        database = try Database(path: path, readOnly: configuration.readOnly, busyTimeoutMs: configuration.busyTimeoutMs)
        if !configuration.readOnly {
            if database.isReadOnly {
                throw StoreError(kind: .readOnly, message: "the file is write-protected", path: path)
            }
            // The first read of the file: "file is not a database" surfaces here as `.corrupt`.
            // 16 KiB pages: chunk rows average a few hundred bytes and vary tenfold, so 4 KiB pages
            // left ~15 % of the chunk table unused at page ends; the realistic-mix benchmark gives
            // 1.49 bytes/sample with 8 KiB pages and 1.45 with 16 KiB, reads as fast.
            // (Only takes effect on a new, empty file.)
            try database.execute("PRAGMA page_size = 16384")
            let mode = try database.scalarText("PRAGMA journal_mode = WAL")
            if mode?.lowercased() != "wal" {
                throw StoreError(kind: .io, message: "cannot switch to WAL journal mode (got \(mode ?? "nothing"))", path: path)
            }
            try database.execute("PRAGMA synchronous = \(configuration.synchronous.rawValue)")
            if let pages = configuration.maxPageCount {
                _ = try database.scalarInt("PRAGMA max_page_count = \(pages)")
            }
        }
        try Schema.migrate(database)
        try load()
    }

    /// Flushes what is pending (errors ignored: call `close()` to see them).
    deinit {
        if !isClosed && !configuration.readOnly { try? flush() }
    }

    // MARK: Series registry

    /// Number of series known (stored or created since open).
    public var seriesCount: Int { heads.count }

    /// The id of `key`, creating the series (in memory now, in the file at the next flush).
    public func seriesID(for key: SeriesKey) throws(StoreError) -> SeriesID {
        if let slot = slotByKey[key] { return heads[slot].id }
        guard !configuration.readOnly else {
            throw StoreError(kind: .readOnly, message: "the store was opened read-only", path: path)
        }
        let id = SeriesID(rawValue: Int64(heads.count == 0 ? 1 : heads[heads.count - 1].id.rawValue + 1))
        let slot = addSlot(SeriesHead(id: id, key: key, isStored: false))
        unstoredSlots.append(slot)
        return id
    }

    /// The id of `key` if the series exists.
    public func existingSeriesID(for key: SeriesKey) -> SeriesID? {
        slotByKey[key].map { heads[$0].id }
    }

    /// The key of a series id.
    public func key(of id: SeriesID) -> SeriesKey? {
        slot(of: id).map { heads[$0].key }
    }

    @discardableResult
    func addSlot(_ head: SeriesHead) -> Int {
        let slot = heads.count
        heads.append(head)
        let raw = Int(head.id.rawValue)
        if raw >= slotByID.count { slotByID.append(contentsOf: repeatElement(-1, count: raw - slotByID.count + 1)) }
        slotByID[raw] = Int32(slot)
        slotByKey[head.key] = slot
        slotsByMetric[head.key.metric, default: []].append(slot)
        return slot
    }

    @inline(__always)
    func slot(of id: SeriesID) -> Int? {
        let raw = Int(truncatingIfNeeded: id.rawValue)
        guard raw >= 0, raw < slotByID.count else { return nil }
        let slot = Int(slotByID[raw])
        return slot >= 0 ? slot : nil
    }

    /// The last accepted timestamp of a series (committed or still in memory), nil when empty.
    public func lastTimestampMs(of id: SeriesID) -> Int64? {
        slot(of: id).flatMap { heads[$0].lastTimestampMs }
    }

    // MARK: Appending

    /// Appends one sample to a series' head: the hot path (no I/O, no allocation per sample).
    ///
    /// Rejected samples are counted in `stats`. An id that did not come from this store is a
    /// programmer error and traps. On a read-only store the sample stays in memory and the next
    /// `flush()` fails with `.readOnly`.
    @inline(__always)
    @discardableResult
    public func append(_ id: SeriesID, timestampMs: Int64, value: Double) -> AppendOutcome {
        guard let slot = slot(of: id) else { preconditionFailure("series \(id) is not from this store") }
        let wasDirty = heads[slot].isDirty
        let outcome = heads[slot].append(timestampMs: timestampMs, value: value,
                                         chunkSpanMs: configuration.chunkSpanMs,
                                         maxSamplesPerChunk: configuration.maxSamplesPerChunk)
        stats.count(outcome)
        if !wasDirty && heads[slot].isDirty { dirtySlots.append(slot) }
        if timestampMs > newestTimestampMs { newestTimestampMs = timestampMs }
        return outcome
    }

    /// Appends one sample by name and labels (a hash lookup more than `append(_:timestampMs:value:)`).
    @discardableResult
    public func append(metric: String, labels: [Label], timestampMs: Int64, value: Double) throws(StoreError) -> AppendOutcome {
        append(try seriesID(for: SeriesKey(metric: metric, labels: labels)), timestampMs: timestampMs, value: value)
    }

    // MARK: Flushing

    /// Flushes when `flushIntervalSeconds` have passed since the last flush; returns whether it did.
    @discardableResult
    public func flushIfDue() throws(StoreError) -> Bool {
        let interval = Duration.milliseconds(Int64(configuration.flushIntervalSeconds * 1000))
        guard ContinuousClock.now - lastFlush >= interval else { return false }
        try flush()
        return true
    }

    /// Writes everything pending in one transaction: new series, chunks sealed since the last
    /// flush with their rollups, changed open chunks, metadata, scrape health, markers.
    ///
    /// On failure nothing is written and everything stays pending for the next call.
    public func flush() throws(StoreError) {
        if isClosed {
            guard dirtySlots.isEmpty && unstoredSlots.isEmpty && unflushedFamilies.isEmpty && unflushedHealth.isEmpty
                && unflushedMarkers.isEmpty else {
                throw StoreError(kind: .invalidArgument, message: "the store is closed; appended data cannot be written", path: path)
            }
            return
        }
        if configuration.readOnly {
            guard dirtySlots.isEmpty && unflushedFamilies.isEmpty && unflushedHealth.isEmpty && unflushedMarkers.isEmpty else {
                throw StoreError(kind: .readOnly, message: "the store was opened read-only; appended data cannot be written", path: path)
            }
            return
        }
        sealIdleHeads()
        if dirtySlots.isEmpty && unstoredSlots.isEmpty && unflushedFamilies.isEmpty
            && unflushedHealth.isEmpty && unflushedMarkers.isEmpty {
            lastFlush = .now
            return
        }
        try database.transaction { () throws(StoreError) in
            try writeUnstoredSeries()
            try writeDirtyHeads()
            try writeFamilies()
            try writeHealthAndMarkers()
        }
        // Committed: forget what is now in the file.
        for slot in unstoredSlots { heads[slot].isStored = true }
        for slot in dirtySlots {
            if let last = heads[slot].sealedUnflushed.last { heads[slot].committedSealedEndMs = last.endMs }
            heads[slot].sealedUnflushed.removeAll()
            heads[slot].isDirty = false
            heads[slot].hasStoredHead = heads[slot].encoder.count > 0
        }
        unstoredSlots.removeAll(keepingCapacity: true)
        dirtySlots.removeAll(keepingCapacity: true)
        unflushedFamilies.removeAll()
        unflushedHealth.removeAll()
        unflushedMarkers.removeAll()
        lastFlush = .now
    }

    /// Seals open chunks whose window ended a whole chunk span before the newest sample: the
    /// series went quiet (pod gone), so its chunk gets its rollups and falls under retention.
    ///
    /// "Newest" is capped at an hour past the wall clock: one target with a clock far in the future
    /// must not make every other series seal a tiny chunk at every flush.
    private func sealIdleHeads() {
        let newest = min(newestTimestampMs, wallClockMs() &+ 3_600_000)
        guard newest > .min + configuration.chunkSpanMs else { return }
        let idleBefore = newest - configuration.chunkSpanMs
        for slot in heads.indices where heads[slot].encoder.count > 0 && heads[slot].windowEndMs <= idleBefore {
            if !heads[slot].isDirty { dirtySlots.append(slot) }
            heads[slot].seal()
        }
    }

    /// Flushes, checkpoints the WAL into the main file (the file then holds everything, and its
    /// size is the data's size) and lets another store open the file for writing. Reads still work
    /// afterwards; a later flush fails with `.invalidArgument`.
    public func close() throws(StoreError) {
        guard !isClosed else { return }
        if !configuration.readOnly {
            try flush()
            try checkpoint()
        }
        isClosed = true
        writerLock?.release()
    }

    /// Test hook: changes the page-count cap (`PRAGMA max_page_count`), e.g. to "free space".
    func setMaxPageCount(_ pages: Int) throws(StoreError) {
        _ = try database.scalarInt("PRAGMA max_page_count = \(pages)")
    }

    /// Copies the WAL into the main file and truncates the WAL.
    public func checkpoint() throws(StoreError) {
        _ = try database.scalarInt("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// `PRAGMA integrity_check`: "ok" or SQLite's list of problems.
    public func integrityCheck() throws(StoreError) -> String {
        try database.scalarText("PRAGMA integrity_check") ?? "no result"
    }

}

/// Milliseconds since the Unix epoch by the system clock.
func wallClockMs() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
