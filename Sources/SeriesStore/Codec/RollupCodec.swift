/// Compresses a sealed chunk's 5-minute rollups into one blob, with the chunk codec's parts:
///
/// ```
/// byte 0      encoding: 1 = float columns, 2 = integer columns
/// varint      bucket count n
/// bit stream  n × (bucket start: TimestampCodec,
///                  min, max, sum: XORValueCodec each (1) or TimestampCodec each on Int64 (2),
///                  count: TimestampCodec on Int64)
/// ```
///
/// Encoding 2 is chosen when every min/max/sum is an integer that survives `Double → Int64 →
/// Double` bit for bit (not −0.0, |x| ≤ 2^53): counters, histogram buckets, fd and goroutine
/// counts and byte sizes, most of what a soak watches. Their aggregates move by small integer steps
/// from bucket to bucket, which delta-of-delta codes in 1–17 bits, where XOR of the float bits
/// takes 20–40 (a slowly rising counter's sum changes many mantissa bits). Bucket starts are
/// 300 000 ms apart almost always (1 bit); `count` is usually constant (1 bit).
enum RollupCodec {
    static let floatColumns: UInt8 = 1
    static let integerColumns: UInt8 = 2

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

    /// True when `value` is an integer that round-trips through Int64 bit for bit.
    @inline(__always)
    private static func isExactInteger(_ value: Double) -> Bool {
        guard value.magnitude <= 9_007_199_254_740_992 else { return false }  // 2^53; also rejects NaN
        return Double(Int64(value)).bitPattern == value.bitPattern
    }

    static func encode(_ buckets: [RollupBucket]) -> [UInt8] {
        let integers = buckets.allSatisfy { isExactInteger($0.min) && isExactInteger($0.max) && isExactInteger($0.sum) }
        var writer = BitWriter(reservingBytes: buckets.count * 8)
        var starts = TimestampCodec(), counts = TimestampCodec()
        var mins = XORValueCodec(), maxes = XORValueCodec(), sums = XORValueCodec()
        var intMins = TimestampCodec(), intMaxes = TimestampCodec(), intSums = TimestampCodec()
        for bucket in buckets {
            starts.encode(bucket.startMs, into: &writer)
            if integers {
                intMins.encode(Int64(bucket.min), into: &writer)
                intMaxes.encode(Int64(bucket.max), into: &writer)
                intSums.encode(Int64(bucket.sum), into: &writer)
            } else {
                mins.encode(bucket.min.bitPattern, into: &writer)
                maxes.encode(bucket.max.bitPattern, into: &writer)
                sums.encode(bucket.sum.bitPattern, into: &writer)
            }
            counts.encode(Int64(bucket.count), into: &writer)
        }
        var out: [UInt8] = [integers ? integerColumns : floatColumns]
        Varint.append(UInt64(buckets.count), to: &out)
        writer.appendPaddedBytes(to: &out)
        return out
    }

    static func decode(_ blob: UnsafeRawBufferPointer) throws(StoreError) -> [RollupBucket] {
        guard blob.count >= 2, blob[0] == floatColumns || blob[0] == integerColumns else {
            throw StoreError.corruptChunk("unknown rollup encoding")
        }
        let integers = blob[0] == integerColumns
        var offset = 1
        guard let declared = Varint.read(blob, offset: &offset), declared <= UInt64(blob.count) * 8 else {
            throw StoreError.corruptChunk("bad bucket count in rollup header")
        }
        var reader = BitReader(blob, startingAtByte: offset)
        var starts = TimestampCodec(), counts = TimestampCodec()
        var mins = XORValueCodec(), maxes = XORValueCodec(), sums = XORValueCodec()
        var intMins = TimestampCodec(), intMaxes = TimestampCodec(), intSums = TimestampCodec()
        var buckets: [RollupBucket] = []
        buckets.reserveCapacity(Int(declared))
        for _ in 0..<Int(declared) {
            let start = starts.decode(from: &reader)
            let min, max, sum: Double
            if integers {
                min = Double(intMins.decode(from: &reader))
                max = Double(intMaxes.decode(from: &reader))
                sum = Double(intSums.decode(from: &reader))
            } else {
                min = Double(bitPattern: mins.decode(from: &reader))
                max = Double(bitPattern: maxes.decode(from: &reader))
                sum = Double(bitPattern: sums.decode(from: &reader))
            }
            let count = counts.decode(from: &reader)
            buckets.append(RollupBucket(startMs: start, min: min, max: max, sum: sum,
                                        count: count >= 0 && count <= Int64(Int32.max) ? Int(count) : 0))
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
