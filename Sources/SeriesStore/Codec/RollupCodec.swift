/// Compresses a sealed chunk's 5-minute rollups into one blob, with the chunk codec's parts:
///
/// ```
/// byte 0      encoding: 1 = float columns, 2 = integer columns (read only, before schema 4),
///             3 = decimal columns
/// varint      bucket count n
/// (3 only)    byte scale s (Int8), then for min, max, sum: byte order (1, 2), byte Rice
///             parameter, varint zigzag first value
/// bit stream  n × (bucket start: TimestampCodec,
///                  min, max, sum: XORValueCodec each (1), TimestampCodec each on Int64 (2),
///                               IntegerColumnCodec each on mantissas (3),
///                  count: TimestampCodec on Int64)
/// ```
///
/// Encoding 3 is written for chunks stored in decimal coding (`DecimalChunkCodec`) whose only
/// escaped values are NaN: min and max are mantissas of the chunk's scale, the sum is the exact
/// integer sum of the bucket's mantissas (so it reads back as the correctly rounded decimal sum,
/// not a float accumulation). A gauge printed at 6 significant digits then costs about as many
/// bits per rollup column as per raw value, where XOR of its float sum took 40–50.
/// Encoding 2 (integers at scale 0) was its predecessor and is still decoded.
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
    static let decimalColumns: UInt8 = 3

    /// One 5-minute bucket in a decimal chunk's integers.
    struct DecimalBucket {
        var startMs: Int64
        var min: Int64
        var max: Int64
        var sum: Int64
        var count: Int64
    }

    /// The 5-minute buckets of a decimal chunk in its mantissas; nil when an escaped value other
    /// than NaN takes part (±Inf, −0.0 count as IEEE arithmetic has them: float columns then) or a
    /// sum leaves the exact range.
    static func decimalBuckets(timestampsMs: [Int64], values: [Double], scaling: DecimalScaling) -> [DecimalBucket]? {
        var buckets: [DecimalBucket] = []
        for index in timestampsMs.indices {
            if scaling.isRaw[index] {
                if values[index].isNaN { continue }
                return nil
            }
            let m = scaling.mantissas[index]
            let start = floorToMultiple(timestampsMs[index], of: StoreConfiguration.rollupBucketMs)
            if buckets.last?.startMs != start {
                buckets.append(DecimalBucket(startMs: start, min: m, max: m, sum: m, count: 1))
                continue
            }
            let last = buckets.count - 1
            if m < buckets[last].min { buckets[last].min = m }
            if m > buckets[last].max { buckets[last].max = m }
            buckets[last].sum &+= m
            buckets[last].count += 1
            if buckets[last].sum.magnitude > UInt64(DecimalScaling.mantissaLimit) { return nil }
        }
        return buckets
    }

    /// Encoding 3 of `buckets`, mantissas at `scale`.
    static func encodeDecimal(_ buckets: [DecimalBucket], scale: Int) -> [UInt8] {
        let parameters = [buckets.map(\.min), buckets.map(\.max), buckets.map(\.sum)].map {
            IntegerColumnCodec.bestParameters($0)
        }
        var writer = BitWriter(reservingBytes: buckets.count * 6)
        var starts = TimestampCodec(), counts = TimestampCodec()
        var mins = IntegerColumnCodec(parameters[0])
        var maxes = IntegerColumnCodec(parameters[1])
        var sums = IntegerColumnCodec(parameters[2])
        for bucket in buckets {
            starts.encode(bucket.startMs, into: &writer)
            mins.encode(bucket.min, into: &writer)
            maxes.encode(bucket.max, into: &writer)
            sums.encode(bucket.sum, into: &writer)
            counts.encode(bucket.count, into: &writer)
        }
        var out: [UInt8] = [decimalColumns]
        Varint.append(UInt64(buckets.count), to: &out)
        out.append(UInt8(bitPattern: Int8(scale)))
        for parameter in parameters { IntegerColumnCodec.appendHeader(parameter, to: &out) }
        writer.appendPaddedBytes(to: &out)
        return out
    }

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
        guard blob.count >= 2, blob[0] == floatColumns || blob[0] == integerColumns || blob[0] == decimalColumns else {
            throw StoreError.corruptChunk("unknown rollup encoding")
        }
        if blob[0] == decimalColumns { return try decodeDecimal(blob) }
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

extension RollupCodec {
    /// Decodes encoding 3.
    private static func decodeDecimal(_ blob: UnsafeRawBufferPointer) throws(StoreError) -> [RollupBucket] {
        var offset = 1
        guard let declared = Varint.read(blob, offset: &offset), declared <= UInt64(blob.count) * 8,
              offset + 1 <= blob.count else {
            throw StoreError.corruptChunk("bad header in decimal rollup")
        }
        let scale = Int(Int8(bitPattern: blob[offset]))
        guard DecimalScaling.scaleRange.contains(scale) else {
            throw StoreError.corruptChunk("bad scale \(scale) in decimal rollup")
        }
        offset += 1
        var codecs: [IntegerColumnCodec] = []
        for _ in 0..<3 {
            guard let parameters = IntegerColumnCodec.readHeader(blob, offset: &offset) else {
                throw StoreError.corruptChunk("bad column parameters in decimal rollup header")
            }
            codecs.append(IntegerColumnCodec(parameters))
        }
        var reader = BitReader(blob, startingAtByte: offset)
        var starts = TimestampCodec(), counts = TimestampCodec()
        var mins = codecs[0], maxes = codecs[1], sums = codecs[2]
        func column(_ codec: inout IntegerColumnCodec, _ reader: inout BitReader) -> Double {
            switch codec.decode(from: &reader) {
            case .integer(let m): DecimalScaling.decode(m, scale: scale)
            case .raw(let bits): Double(bitPattern: bits)  // never written; decoded for robustness
            }
        }
        var buckets: [RollupBucket] = []
        buckets.reserveCapacity(Int(declared))
        for _ in 0..<Int(declared) {
            let start = starts.decode(from: &reader)
            let min = column(&mins, &reader)
            let max = column(&maxes, &reader)
            let sum = column(&sums, &reader)
            let count = counts.decode(from: &reader)
            buckets.append(RollupBucket(startMs: start, min: min, max: max, sum: sum,
                                        count: count >= 0 && count <= Int64(Int32.max) ? Int(count) : 0))
        }
        if reader.overran { throw StoreError.corruptChunk("decimal rollup bit stream ends early") }
        return buckets
    }
}

/// The largest multiple of `step` not above `value` (floor division, also for negative times).
@inline(__always)
func floorToMultiple(_ value: Int64, of step: Int64) -> Int64 {
    let remainder = value % step
    return remainder < 0 ? value - remainder - step : value - remainder
}
