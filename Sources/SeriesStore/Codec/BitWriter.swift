/// An append-only bit stream, most significant bit first: the byte layout of every chunk.
///
/// Bits collect in a 64-bit accumulator and move to `bytes` a whole byte at a time, so a
/// sample costs a few shifts and, every eight bits, one array append (no per-sample allocation
/// once the array has grown).
struct BitWriter: Sendable {
    /// The completed bytes; the last partial byte is still in the accumulator.
    private(set) var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var pendingBitCount = 0

    init(reservingBytes: Int = 0) {
        bytes.reserveCapacity(reservingBytes)
    }

    /// Bits written so far.
    var bitCount: Int { bytes.count &* 8 &+ pendingBitCount }

    /// Appends the low `count` bits (0...64) of `value`, most significant first.
    @inline(__always)
    mutating func write(_ value: UInt64, bitCount count: Int) {
        if count > 56 {
            // Keep accumulator + pending (< 8 bits) within 64 bits.
            write(value >> 32, bitCount: count - 32)
            write(value & 0xffff_ffff, bitCount: 32)
            return
        }
        if count == 0 { return }
        let masked = value & ((1 &<< UInt64(count)) &- 1)
        accumulator = (accumulator &<< UInt64(count)) | masked
        pendingBitCount &+= count
        while pendingBitCount >= 8 {
            pendingBitCount &-= 8
            bytes.append(UInt8(truncatingIfNeeded: accumulator &>> UInt64(pendingBitCount)))
        }
        accumulator &= (1 &<< UInt64(pendingBitCount)) &- 1
    }

    /// Appends one bit.
    @inline(__always)
    mutating func writeBit(_ bit: Bool) {
        write(bit ? 1 : 0, bitCount: 1)
    }

    /// Appends the stream so far to `out`, its last byte padded with zero bits; the writer can
    /// keep appending afterwards (the store snapshots open chunks this way at each flush).
    func appendPaddedBytes(to out: inout [UInt8]) {
        out.append(contentsOf: bytes)
        if pendingBitCount > 0 {
            out.append(UInt8(truncatingIfNeeded: accumulator &<< UInt64(8 - pendingBitCount)))
        }
    }
}
