/// Chunk encoding 2, "decimal": the timestamps as in Gorilla v1, the values as integer mantissas
/// of one decimal scale per chunk (`DecimalScaling`), coded by `ScaledIntegerCodec`.
///
/// ```
/// byte 0      encoding: 2 = decimal
/// varint      sample count n (LEB128)
/// byte        scale s (Int8): value = mantissa / 10^s
/// byte        order: 1 = mantissa deltas, 2 = delta-of-delta
/// bit stream  n × (timestamp code, mantissa code or escaped raw bits), MSB first, zero-padded
/// ```
///
/// Sealed chunks are written in whichever of encodings 1 and 2 is smaller (`SealedChunkCoding`);
/// open chunks stay Gorilla v1, which can grow a sample at a time.
enum DecimalChunkCodec {
    static let encoding: UInt8 = 2

    /// The chunk bytes of `timestampsMs` (non-decreasing) and the values `scaling` was made of.
    static func encode(timestampsMs: [Int64], values: [Double], scaling: DecimalScaling, order: Int) -> [UInt8] {
        var writer = BitWriter(reservingBytes: timestampsMs.count * 2)
        var timestamps = TimestampCodec()
        var mantissas = ScaledIntegerCodec(order: order)
        for index in timestampsMs.indices {
            timestamps.encode(timestampsMs[index], into: &writer)
            if scaling.isRaw[index] {
                ScaledIntegerCodec.encodeRaw(values[index].bitPattern, into: &writer)
            } else {
                mantissas.encode(scaling.mantissas[index], into: &writer)
            }
        }
        var out: [UInt8] = [encoding]
        out.reserveCapacity(writer.bitCount / 8 + 14)
        Varint.append(UInt64(timestampsMs.count), to: &out)
        out.append(UInt8(bitPattern: Int8(scaling.scale)))
        out.append(UInt8(order))
        writer.appendPaddedBytes(to: &out)
        return out
    }

    /// The order (1 or 2) that codes `scaling`'s mantissas in fewer bits.
    static func cheaperOrder(_ scaling: DecimalScaling) -> Int {
        var first = ScaledIntegerCodec(order: 1), second = ScaledIntegerCodec(order: 2)
        var firstBits = 0, secondBits = 0
        for index in scaling.mantissas.indices where !scaling.isRaw[index] {
            let m = scaling.mantissas[index]
            firstBits &+= ScaledIntegerCodec.bitCount(ofCode: first.code(for: m))
            secondBits &+= ScaledIntegerCodec.bitCount(ofCode: second.code(for: m))
            first.advance(to: m)
            second.advance(to: m)
        }
        return secondBits < firstBits ? 2 : 1
    }

    /// Decodes the body after byte 0 (the caller checked it is `encoding`).
    static func decode(_ chunk: UnsafeRawBufferPointer, appendingTo timestampsMs: inout [Int64],
                       values: inout [Double]) throws(StoreError) -> Int {
        var offset = 1
        guard let declared = Varint.read(chunk, offset: &offset), declared <= UInt64(chunk.count) * 8,
              offset + 2 <= chunk.count else {
            throw StoreError.corruptChunk("bad header in decimal chunk")
        }
        let scale = Int(Int8(bitPattern: chunk[offset]))
        let order = Int(chunk[offset + 1])
        guard DecimalScaling.scaleRange.contains(scale), order == 1 || order == 2 else {
            throw StoreError.corruptChunk("bad scale \(scale) or order \(order) in decimal chunk")
        }
        let count = Int(declared)
        var reader = BitReader(chunk, startingAtByte: offset + 2)
        var timestampCodec = TimestampCodec()
        var mantissas = ScaledIntegerCodec(order: order)
        let start = timestampsMs.count
        if timestampsMs.capacity < start + count { timestampsMs.reserveCapacity(max(start + count, 2 * timestampsMs.capacity)) }
        if values.capacity < values.count + count { values.reserveCapacity(max(values.count + count, 2 * values.capacity)) }
        for _ in 0..<count {
            timestampsMs.append(timestampCodec.decode(from: &reader))
            switch mantissas.decode(from: &reader) {
            case .integer(let m): values.append(DecimalScaling.decode(m, scale: scale))
            case .raw(let bits): values.append(Double(bitPattern: bits))
            }
        }
        if reader.overran {
            timestampsMs.removeSubrange(start...)
            values.removeSubrange(start...)
            throw StoreError.corruptChunk("decimal chunk bit stream ends before its \(count) samples")
        }
        return count
    }
}

/// How a chunk is stored once sealed: the smaller of Gorilla v1 (XOR) and decimal coding, with
/// the decimal form checked by decoding it before it is chosen.
struct SealedChunkCoding {
    /// The bytes to store.
    let bytes: [UInt8]
    /// The scaling, when the decimal form was chosen (rollups then code in the same integers).
    let scaling: DecimalScaling?

    /// `xorBytes` is the chunk as the head encoder wrote it; `timestampsMs`/`values` its samples.
    init(xorBytes: [UInt8], timestampsMs: [Int64], values: [Double]) {
        guard let scaling = DecimalScaling(values: values) else {
            self.bytes = xorBytes
            self.scaling = nil
            return
        }
        let decimal = DecimalChunkCodec.encode(timestampsMs: timestampsMs, values: values, scaling: scaling,
                                               order: DecimalChunkCodec.cheaperOrder(scaling))
        if decimal.count < xorBytes.count && Self.decodes(decimal, to: timestampsMs, values) {
            self.bytes = decimal
            self.scaling = scaling
        } else {
            self.bytes = xorBytes
            self.scaling = nil
        }
    }

    /// True when `chunk` decodes to exactly these timestamps and value bit patterns.
    private static func decodes(_ chunk: [UInt8], to timestampsMs: [Int64], _ values: [Double]) -> Bool {
        var decodedTimes: [Int64] = []
        var decodedValues: [Double] = []
        guard (try? ChunkDecoder.decode(chunk, appendingTo: &decodedTimes, values: &decodedValues)) != nil,
              decodedTimes == timestampsMs, decodedValues.count == values.count else { return false }
        for index in values.indices where decodedValues[index].bitPattern != values[index].bitPattern { return false }
        return true
    }
}
