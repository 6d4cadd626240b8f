import SoakModel

/// A chunk that is full or whose window ended, waiting for the next flush to be written.
struct SealedChunk: Sendable {
    let startMs: Int64
    let endMs: Int64
    let lastValueBits: UInt64
    let bytes: [UInt8]
}

/// The in-memory end of one series: its open chunk (compressed as it grows, decodable at any
/// time, so recent samples are queryable at once), chunks sealed since the last flush, and the
/// last accepted sample for the order and duplicate checks.
///
/// The open chunk is kept compressed rather than as a `[(Int64, Double)]` array: a week-long soak
/// with thousands of series holds ~1.3 bytes per head sample instead of 16, and a flush writes the
/// encoder's bytes as they are.
struct SeriesHead: Sendable {
    let id: SeriesID
    let key: SeriesKey
    var encoder = ChunkEncoder()
    /// Exclusive end of the aligned window the open chunk belongs to.
    var windowEndMs: Int64 = .min
    /// The last accepted sample's timestamp, nil for a series without samples.
    var lastTimestampMs: Int64?
    var lastValueBits: UInt64 = 0
    var sealedUnflushed: [SealedChunk] = []
    /// Something here changed since the last successful flush.
    var isDirty = false
    /// `head_chunk` holds a row for this series (to delete when the head empties).
    var hasStoredHead = false
    /// `series` holds this series' row.
    var isStored: Bool
    /// Last timestamp of the chunks sealed and committed (`series.sealed_end_ms`): everything up
    /// to it has stored rollups.
    var committedSealedEndMs: Int64?

    init(id: SeriesID, key: SeriesKey, isStored: Bool) {
        self.id = id
        self.key = key
        self.isStored = isStored
    }

    /// Checks order and duplicates, seals the open chunk when the sample leaves its window or it
    /// is full, then encodes the sample.
    @inline(__always)
    mutating func append(timestampMs: Int64, value: Double, chunkSpanMs: Int64, maxSamplesPerChunk: Int) -> AppendOutcome {
        let bits = value.bitPattern
        if let last = lastTimestampMs {
            if timestampMs < last { return .outOfOrder }
            if timestampMs == last { return bits == lastValueBits ? .duplicate : .conflictingDuplicate }
        }
        if encoder.count > 0 && (timestampMs >= windowEndMs || encoder.count >= maxSamplesPerChunk) {
            seal()
        }
        if encoder.count == 0 {
            windowEndMs = alignedWindowEnd(timestampMs, spanMs: chunkSpanMs)
        }
        encoder.append(timestampMs: timestampMs, value: value)
        lastTimestampMs = timestampMs
        lastValueBits = bits
        isDirty = true
        return .appended
    }

    /// Moves the open chunk to `sealedUnflushed` and starts an empty one.
    mutating func seal() {
        guard encoder.count > 0 else { return }
        sealedUnflushed.append(SealedChunk(startMs: encoder.firstTimestampMs, endMs: encoder.lastTimestampMs,
                                           lastValueBits: encoder.lastValueBits, bytes: encoder.bytes()))
        encoder = ChunkEncoder(reservingBytes: min(encoder.payloadByteCount + 16, 4096))
        isDirty = true
    }
}

/// The exclusive end of the `spanMs`-aligned window holding `timestampMs`, saturating at the ends
/// of the Int64 range.
func alignedWindowEnd(_ timestampMs: Int64, spanMs: Int64) -> Int64 {
    let remainder = timestampMs % spanMs
    let towardZero = timestampMs - remainder
    let start: Int64
    if remainder < 0 {
        let (value, overflow) = towardZero.subtractingReportingOverflow(spanMs)
        start = overflow ? .min : value
    } else {
        start = towardZero
    }
    let (end, overflow) = start.addingReportingOverflow(spanMs)
    return overflow ? .max : end
}
