/// Decodes stored chunks: encoding 1 (Gorilla v1, `ChunkEncoder`; every chunk written before
/// schema version 4 and every open chunk) and encoding 2 (decimal, `DecimalChunkCodec`).
public enum ChunkDecoder {
    /// Appends every sample of `chunk` to `timestampsMs` and `values`; returns the sample count.
    ///
    /// - throws: `StoreError` of kind `.corrupt` for an unknown encoding byte, a truncated header or
    ///   a bit stream shorter than its declared count (the arrays keep what was appended before).
    @discardableResult
    public static func decode(_ chunk: UnsafeRawBufferPointer, appendingTo timestampsMs: inout [Int64],
                              values: inout [Double]) throws(StoreError) -> Int {
        if chunk.count >= 2 && chunk[0] == DecimalChunkCodec.encoding {
            return try DecimalChunkCodec.decode(chunk, appendingTo: &timestampsMs, values: &values)
        }
        guard chunk.count >= 2, chunk[0] == ChunkEncoder.gorillaV1 else {
            throw StoreError.corruptChunk("unknown chunk encoding \(chunk.first.map(String.init) ?? "(empty)")")
        }
        var offset = 1
        guard let declared = Varint.read(chunk, offset: &offset), declared <= UInt64(chunk.count) * 8 else {
            throw StoreError.corruptChunk("bad sample count in chunk header")
        }
        let count = Int(declared)
        var reader = BitReader(chunk, startingAtByte: offset)
        var timestampCodec = TimestampCodec()
        var valueCodec = XORValueCodec()
        let start = timestampsMs.count
        // Grow geometrically: reserving exactly `start + count` on every chunk of a long read
        // would copy the whole array per chunk (quadratic; 360 chunks for 30 days at 15 s).
        if timestampsMs.capacity < start + count { timestampsMs.reserveCapacity(max(start + count, 2 * timestampsMs.capacity)) }
        if values.capacity < values.count + count { values.reserveCapacity(max(values.count + count, 2 * values.capacity)) }
        for _ in 0..<count {
            timestampsMs.append(timestampCodec.decode(from: &reader))
            values.append(Double(bitPattern: valueCodec.decode(from: &reader)))
        }
        if reader.overran {
            timestampsMs.removeSubrange(start...)
            values.removeSubrange(start...)
            throw StoreError.corruptChunk("chunk bit stream ends before its \(count) samples")
        }
        return count
    }

    /// Convenience over `[UInt8]`.
    @discardableResult
    public static func decode(_ chunk: [UInt8], appendingTo timestampsMs: inout [Int64],
                              values: inout [Double]) throws(StoreError) -> Int {
        // `withUnsafeBytes` rethrows untyped errors; carry the typed one out in a Result.
        let result = chunk.withUnsafeBytes { raw in
            Result { () throws(StoreError) -> Int in try decode(raw, appendingTo: &timestampsMs, values: &values) }
        }
        return try result.get()
    }
}
