/// Compresses a sealed chunk's 5-minute rollups into one blob, with the chunk codec's parts:
///
/// ```
/// byte 0      encoding, 1
/// varint      bucket count n
/// bit stream  n × (bucket start: TimestampCodec, min, max, sum, count: one XORValueCodec each)
/// ```
///
/// Bucket starts are 300 000 ms apart almost always, so they cost one bit; `count` (a float64 of
/// an integer, usually constant) about one; min/max/sum cost what their values' variation costs.
enum RollupCodec {
    static let version: UInt8 = 1

    /// The 5-minute buckets (aligned to multiples of 300 000 ms since the epoch) of a chunk's
    /// samples; buckets holding only NaN are omitted.
    static func buckets(timestampsMs: [Int64], values: [Double]) -> [RollupBucket] {
        var buckets: [RollupBucket] = []
        for index in timestampsMs.indices {
            let start = floorToMultiple(timestampsMs[index], of: StoreConfiguration.rollupBucketMs)
            if buckets.last?.startMs != start { buckets.append(.empty(at: start)) }
            buckets[buckets.count - 1].add(values[index])
        }
        return buckets.filter { $0.count > 0 }
    }

    static func encode(_ buckets: [RollupBucket]) -> [UInt8] {
        var writer = BitWriter(reservingBytes: buckets.count * 8)
        var starts = TimestampCodec()
        var mins = XORValueCodec(), maxes = XORValueCodec(), sums = XORValueCodec(), counts = XORValueCodec()
        for bucket in buckets {
            starts.encode(bucket.startMs, into: &writer)
            mins.encode(bucket.min.bitPattern, into: &writer)
            maxes.encode(bucket.max.bitPattern, into: &writer)
            sums.encode(bucket.sum.bitPattern, into: &writer)
            counts.encode(Double(bucket.count).bitPattern, into: &writer)
        }
        var out: [UInt8] = [version]
        Varint.append(UInt64(buckets.count), to: &out)
        writer.appendPaddedBytes(to: &out)
        return out
    }

    static func decode(_ blob: UnsafeRawBufferPointer) throws(StoreError) -> [RollupBucket] {
        guard blob.count >= 2, blob[0] == version else { throw StoreError.corruptChunk("unknown rollup encoding") }
        var offset = 1
        guard let declared = Varint.read(blob, offset: &offset), declared <= UInt64(blob.count) * 8 else {
            throw StoreError.corruptChunk("bad bucket count in rollup header")
        }
        var reader = BitReader(blob, startingAtByte: offset)
        var starts = TimestampCodec()
        var mins = XORValueCodec(), maxes = XORValueCodec(), sums = XORValueCodec(), counts = XORValueCodec()
        var buckets: [RollupBucket] = []
        buckets.reserveCapacity(Int(declared))
        for _ in 0..<Int(declared) {
            let start = starts.decode(from: &reader)
            let min = Double(bitPattern: mins.decode(from: &reader))
            let max = Double(bitPattern: maxes.decode(from: &reader))
            let sum = Double(bitPattern: sums.decode(from: &reader))
            let count = Double(bitPattern: counts.decode(from: &reader))
            buckets.append(RollupBucket(startMs: start, min: min, max: max, sum: sum,
                                        count: count.isFinite && count >= 0 && count < 1e15 ? Int(count) : 0))
        }
        if reader.overran { throw StoreError.corruptChunk("rollup bit stream ends early") }
        return buckets
    }
}

/// The largest multiple of `step` not above `value` (floor division, also for negative times).
@inline(__always)
func floorToMultiple(_ value: Int64, of step: Int64) -> Int64 {
    let remainder = value % step
    return remainder < 0 ? value - remainder - step : value - remainder
}
