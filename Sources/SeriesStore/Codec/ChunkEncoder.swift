/// Compresses one series' samples into a chunk: Gorilla delta-of-delta timestamps and XOR values.
///
/// Chunk bytes (what `bytes()` returns and the `data` column holds):
///
/// ```
/// byte 0      encoding, 1 = Gorilla v1 (TimestampCodec + XORValueCodec)
/// varint      sample count n (LEB128)
/// bit stream  n × (timestamp code, value code), MSB first, last byte zero-padded
/// ```
///
/// The encoder can be snapshotted at any time (`bytes()`) and keeps appending: the store
/// re-writes the snapshot of a series' open chunk at each flush.
public struct ChunkEncoder: Sendable {
    /// The encoding byte written by this encoder.
    public static let gorillaV1: UInt8 = 1

    private var writer: BitWriter
    private var timestamps = TimestampCodec()
    private var values = XORValueCodec()
    /// Samples appended.
    public private(set) var count = 0
    /// Timestamp of the first sample (meaningless while `count == 0`).
    public private(set) var firstTimestampMs: Int64 = 0

    public init(reservingBytes: Int = 0) {
        writer = BitWriter(reservingBytes: reservingBytes)
    }

    /// Timestamp of the last sample (meaningless while `count == 0`).
    public var lastTimestampMs: Int64 { timestamps.lastMs }
    /// Bit pattern of the last value.
    public var lastValueBits: UInt64 { values.lastBits }
    /// Size of `bytes()` minus the header, rounded up to whole bytes.
    public var payloadByteCount: Int { (writer.bitCount + 7) / 8 }

    /// Appends a sample; returns false, encoding nothing, when `timestampMs` is earlier than the
    /// last one (the codec stores non-decreasing time; equal timestamps are allowed here, the
    /// store drops them as duplicates before they get this far).
    @inline(__always)
    @discardableResult
    public mutating func append(timestampMs: Int64, value: Double) -> Bool {
        if count > 0 {
            if timestampMs < timestamps.lastMs { return false }
        } else {
            firstTimestampMs = timestampMs
        }
        timestamps.encode(timestampMs, into: &writer)
        values.encode(value.bitPattern, into: &writer)
        count &+= 1
        return true
    }

    /// The chunk as stored: header plus the bit stream so far.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payloadByteCount + 11)
        out.append(Self.gorillaV1)
        Varint.append(UInt64(count), to: &out)
        writer.appendPaddedBytes(to: &out)
        return out
    }
}
