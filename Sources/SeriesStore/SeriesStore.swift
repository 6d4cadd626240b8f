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
///                                             labels: [SeriesLabel("job", "etcd")]))
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
    let database: Database

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
    private func addSlot(_ head: SeriesHead) -> Int {
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
    public func append(metric: String, labels: [SeriesLabel], timestampMs: Int64, value: Double) throws(StoreError) -> AppendOutcome {
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

    private func writeUnstoredSeries() throws(StoreError) {
        let insert = try database.statement("INSERT INTO series (id, metric, labels) VALUES (?1, ?2, ?3)")
        for slot in unstoredSlots {
            let head = heads[slot]
            try insert.bind(head.id.rawValue, at: 1)
            try insert.bind(head.key.metric, at: 2)
            try insert.bind(LabelText.encode(head.key.labels), at: 3)
            try insert.run()
        }
    }

    private func writeDirtyHeads() throws(StoreError) {
        let insertChunk = try database.statement(
            "INSERT INTO chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let insertRollup = try database.statement(
            "INSERT INTO rollup_chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let updateSeries = try database.statement(
            "UPDATE series SET sealed_end_ms = ?2, sealed_last_value = ?3 WHERE id = ?1")
        let upsertHead = try database.statement(
            "INSERT OR REPLACE INTO head_chunk (series_id, start_ms, end_ms, data) VALUES (?1, ?2, ?3, ?4)")
        let deleteHead = try database.statement("DELETE FROM head_chunk WHERE series_id = ?1")
        var timestamps: [Int64] = []
        var values: [Double] = []
        for slot in dirtySlots {
            let head = heads[slot]
            let id = head.id.rawValue
            for sealed in head.sealedUnflushed {
                try insertChunk.bind(id, at: 1)
                try insertChunk.bind(sealed.startMs, at: 2)
                try insertChunk.bind(sealed.endMs, at: 3)
                try insertChunk.bind(sealed.bytes, at: 4)
                try insertChunk.run()
                timestamps.removeAll(keepingCapacity: true)
                values.removeAll(keepingCapacity: true)
                try ChunkDecoder.decode(sealed.bytes, appendingTo: &timestamps, values: &values)
                let buckets = RollupCodec.buckets(timestampsMs: timestamps, values: values)
                if !buckets.isEmpty {
                    try insertRollup.bind(id, at: 1)
                    try insertRollup.bind(sealed.startMs, at: 2)
                    try insertRollup.bind(sealed.endMs, at: 3)
                    try insertRollup.bind(RollupCodec.encode(buckets), at: 4)
                    try insertRollup.run()
                }
            }
            if let last = head.sealedUnflushed.last {
                try updateSeries.bind(id, at: 1)
                try updateSeries.bind(last.endMs, at: 2)
                try updateSeries.bind(Int64(bitPattern: last.lastValueBits), at: 3)
                try updateSeries.run()
            }
            if head.encoder.count > 0 {
                try upsertHead.bind(id, at: 1)
                try upsertHead.bind(head.encoder.firstTimestampMs, at: 2)
                try upsertHead.bind(head.encoder.lastTimestampMs, at: 3)
                try upsertHead.bind(head.encoder.bytes(), at: 4)
                try upsertHead.run()
            } else if head.hasStoredHead {
                try deleteHead.bind(id, at: 1)
                try deleteHead.run()
            }
        }
    }

    /// Flushes and checkpoints the WAL into the main file (the file then holds everything, and
    /// its size is the data's size). Later calls on a closed store still work; deinit won't flush.
    public func close() throws(StoreError) {
        guard !configuration.readOnly else { isClosed = true; return }
        try flush()
        try checkpoint()
        isClosed = true
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

    // MARK: Loading

    /// Reads series, open chunks and metadata back into memory.
    private func load() throws(StoreError) {
        let seriesRows = try database.statement(
            "SELECT id, metric, labels, sealed_end_ms, sealed_last_value FROM series ORDER BY id")
        defer { seriesRows.reset() }
        while try seriesRows.step() {
            let id = SeriesID(rawValue: seriesRows.int64(at: 0))
            let labelText = seriesRows.text(at: 2) ?? ""
            guard id.rawValue > 0, id.rawValue < Int64(Int32.max), let labels = LabelText.decode(labelText) else {
                throw StoreError(kind: .corrupt, message: "series row \(id.rawValue) has a bad id or label text", path: path)
            }
            var head = SeriesHead(id: id, key: SeriesKey(metric: seriesRows.text(at: 1) ?? "", labels: labels), isStored: true)
            if !seriesRows.isNull(at: 3) {
                head.lastTimestampMs = seriesRows.int64(at: 3)
                head.committedSealedEndMs = seriesRows.int64(at: 3)
                head.lastValueBits = UInt64(bitPattern: seriesRows.int64(at: 4))
            }
            addSlot(head)
        }
        let headRows = try database.statement("SELECT series_id, data FROM head_chunk")
        defer { headRows.reset() }
        var timestamps: [Int64] = []
        var values: [Double] = []
        while try headRows.step() {
            guard let slot = slot(of: SeriesID(rawValue: headRows.int64(at: 0))) else { continue }
            timestamps.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            do {
                try ChunkDecoder.decode(headRows.blob(at: 1), appendingTo: &timestamps, values: &values)
            } catch {
                throw StoreError(kind: .corrupt, message: "open chunk of series \(heads[slot].key): \(error.message)", path: path)
            }
            // Re-encode so appending continues the same chunk; the checks also drop anything a
            // damaged row might hold out of order.
            for index in timestamps.indices {
                _ = heads[slot].append(timestampMs: timestamps[index], value: values[index],
                                       chunkSpanMs: configuration.chunkSpanMs, maxSamplesPerChunk: Int.max)
            }
            heads[slot].hasStoredHead = true
            // Normally the restored chunk fits one window; if the configured span shrank, the
            // part that no longer fits was sealed and is written by the next flush.
            heads[slot].isDirty = !heads[slot].sealedUnflushed.isEmpty
            if heads[slot].isDirty { dirtySlots.append(slot) }
        }
        for head in heads { if let last = head.lastTimestampMs, last > newestTimestampMs { newestTimestampMs = last } }
        let familyRows = try database.statement("SELECT name, type, help, unit FROM metric_family")
        defer { familyRows.reset() }
        while try familyRows.step() {
            let family = StoredMetricFamily(name: familyRows.text(at: 0) ?? "", type: familyRows.text(at: 1) ?? "unknown",
                                            help: familyRows.text(at: 2), unit: familyRows.text(at: 3))
            families[family.name] = family
        }
    }
}

/// Milliseconds since the Unix epoch by the system clock.
func wallClockMs() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
