/// Chunk encoding 2, "decimal": values as integer mantissas of one decimal scale per chunk
/// (`DecimalScaling`) in Rice code (`IntegerColumnCodec`); timestamps as Gorilla v1 codes, or not
/// at all when the chunk's samples are exactly evenly spaced (a scraper stamping its schedule):
///
/// ```
/// byte 0      encoding: 2 = decimal
/// varint      sample count n (LEB128)
/// byte        scale s (Int8): value = mantissa / 10^s
/// byte        order: 1 = mantissa deltas, 2 = delta-of-delta
/// byte        Rice parameter k
/// varint      zigzag first mantissa (the state the first code starts from)
/// byte        flags: bit 0 = regular timestamps
/// (regular)   varint zigzag first timestamp (ms), varint zigzag interval (ms)
/// bit stream  n × ([timestamp code unless regular,] mantissa code or escaped raw bits), MSB first
/// ```
///
/// Sealed chunks are written in whichever of encodings 1 and 2 is smaller (`SealedChunkCoding`);
/// open chunks stay Gorilla v1, which can grow a sample at a time.
enum DecimalChunkCodec {
    static let encoding: UInt8 = 2
    static let regularTimestamps: UInt8 = 1

    /// The chunk bytes of `timestampsMs` (non-decreasing) and the values `scaling` was made of.
    static func encode(timestampsMs: [Int64], values: [Double], scaling: DecimalScaling) -> [UInt8] {
        let parameters = IntegerColumnCodec.bestParameters(scaling.mantissas, skip: scaling.isRaw)
        let interval = timestampsMs.count >= 2 ? timestampsMs[1] &- timestampsMs[0] : 0
        var regular = timestampsMs.count >= 2
        for index in timestampsMs.indices.dropFirst() where timestampsMs[index] &- timestampsMs[index - 1] != interval {
            regular = false
            break
        }
        var writer = BitWriter(reservingBytes: timestampsMs.count * 2)
        var timestamps = TimestampCodec()
        var mantissas = IntegerColumnCodec(parameters)
        for index in timestampsMs.indices {
            if !regular { timestamps.encode(timestampsMs[index], into: &writer) }
            if scaling.isRaw[index] {
                IntegerColumnCodec.encodeRaw(values[index].bitPattern, into: &writer)
            } else {
                mantissas.encode(scaling.mantissas[index], into: &writer)
            }
        }
        var out: [UInt8] = [encoding]
        out.reserveCapacity(writer.bitCount / 8 + 30)
        Varint.append(UInt64(timestampsMs.count), to: &out)
        out.append(UInt8(bitPattern: Int8(scaling.scale)))
        IntegerColumnCodec.appendHeader(parameters, to: &out)
        out.append(regular ? regularTimestamps : 0)
        if regular {
            Varint.append(IntegerColumnCodec.zigzag(timestampsMs[0]), to: &out)
            Varint.append(IntegerColumnCodec.zigzag(interval), to: &out)
        }
        writer.appendPaddedBytes(to: &out)
        return out
    }

    /// Decodes the body after byte 0 (the caller checked it is `encoding`).
    static func decode(_ chunk: UnsafeRawBufferPointer, appendingTo timestampsMs: inout [Int64],
                       values: inout [Double]) throws(StoreError) -> Int {
        var offset = 1
        guard let declared = Varint.read(chunk, offset: &offset), declared <= UInt64(chunk.count) * 8,
              offset + 1 <= chunk.count else {
            throw StoreError.corruptChunk("bad header in decimal chunk")
        }
        let scale = Int(Int8(bitPattern: chunk[offset]))
        offset += 1
        guard DecimalScaling.scaleRange.contains(scale),
              let parameters = IntegerColumnCodec.readHeader(chunk, offset: &offset), offset < chunk.count,
              chunk[offset] <= 1 else {
            throw StoreError.corruptChunk("bad scale \(scale), column parameters or flags in decimal chunk header")
        }
        let flags = chunk[offset]
        offset += 1
        var first: Int64 = 0, interval: Int64 = 0
        let regular = flags & regularTimestamps != 0
        if regular {
            guard let a = Varint.read(chunk, offset: &offset), let b = Varint.read(chunk, offset: &offset) else {
                throw StoreError.corruptChunk("bad timestamps in decimal chunk header")
            }
            first = IntegerColumnCodec.unzigzag(a)
            interval = IntegerColumnCodec.unzigzag(b)
        }
        let count = Int(declared)
        var reader = BitReader(chunk, startingAtByte: offset)
        var timestampCodec = TimestampCodec()
        var mantissas = IntegerColumnCodec(parameters)
        let start = timestampsMs.count
        if timestampsMs.capacity < start + count { timestampsMs.reserveCapacity(max(start + count, 2 * timestampsMs.capacity)) }
        if values.capacity < values.count + count { values.reserveCapacity(max(values.count + count, 2 * values.capacity)) }
        for index in 0..<count {
            timestampsMs.append(regular ? first &+ Int64(index) &* interval : timestampCodec.decode(from: &reader))
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
        let decimal = DecimalChunkCodec.encode(timestampsMs: timestampsMs, values: values, scaling: scaling)
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
