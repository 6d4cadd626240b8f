/// Reads a most-significant-bit-first stream written by `BitWriter`.
///
/// Reading past the end yields zero bits and sets `overran` instead of trapping, so a
/// damaged chunk becomes one check after decoding (a `StoreError.Kind.corrupt`), not a
/// branch per bit or a crash.
struct BitReader {
    private let base: UnsafeRawBufferPointer
    private let totalBits: Int
    private(set) var position = 0
    /// Set when a read asked for bits beyond the end of the buffer.
    private(set) var overran = false

    /// - warning: `bytes` must stay valid for the reader's lifetime (use inside `withUnsafeBytes`).
    init(_ bytes: UnsafeRawBufferPointer, startingAtByte offset: Int = 0) {
        base = bytes
        totalBits = bytes.count &* 8
        position = offset &* 8
    }

    /// Big-endian 8 bytes at `index`, zero-padded past the end.
    @inline(__always)
    private func load64(at index: Int) -> UInt64 {
        if index &+ 8 <= base.count {
            return UInt64(bigEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        }
        var word: UInt64 = 0
        for offset in 0..<8 {
            word &<<= 8
            if index &+ offset < base.count { word |= UInt64(base[index &+ offset]) }
        }
        return word
    }

    /// Reads `count` (0...64) bits as an unsigned integer.
    @inline(__always)
    mutating func read(bitCount count: Int) -> UInt64 {
        if count > 56 {
            let high = read(bitCount: count - 32)
            return (high &<< 32) | read(bitCount: 32)
        }
        if count == 0 { return 0 }
        let word = load64(at: position &>> 3) &<< UInt64(position & 7)
        position &+= count
        if position > totalBits { overran = true }
        return word &>> UInt64(64 - count)
    }

    /// Reads one bit.
    @inline(__always)
    mutating func readBit() -> Bool {
        read(bitCount: 1) != 0
    }
}
