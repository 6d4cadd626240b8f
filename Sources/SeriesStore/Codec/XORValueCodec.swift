/// XOR float64 coding (Gorilla §4.1.2), on bit patterns so NaN payloads, −0.0 and ±Inf survive.
///
/// Each value is XORed with its predecessor (the state starts at bit pattern 0):
///
/// - `0`: identical bits.
/// - `10` + the meaningful bits: the XOR's nonzero bits fit the previous window
///   (leading/trailing zero counts at least as large as last time).
/// - `11` + 5 bits leading-zero count (capped at 31) + 6 bits meaningful-bit count
///   (64 written as 0) + the meaningful bits: a new window.
struct XORValueCodec: Sendable {
    private(set) var lastBits: UInt64 = 0
    private var leading = 0xff
    private var trailing = 0

    @inline(__always)
    mutating func encode(_ bits: UInt64, into writer: inout BitWriter) {
        let xor = bits ^ lastBits
        lastBits = bits
        if xor == 0 {
            writer.write(0, bitCount: 1)
            return
        }
        var newLeading = xor.leadingZeroBitCount
        let newTrailing = xor.trailingZeroBitCount
        if newLeading > 31 { newLeading = 31 }  // 5-bit field
        if leading != 0xff && newLeading >= leading && newTrailing >= trailing {
            writer.write(0b10, bitCount: 2)
            writer.write(xor &>> UInt64(trailing), bitCount: 64 - leading - trailing)
            return
        }
        leading = newLeading
        trailing = newTrailing
        let significant = 64 - newLeading - newTrailing
        writer.write(0b11, bitCount: 2)
        writer.write(UInt64(newLeading), bitCount: 5)
        writer.write(UInt64(significant & 63), bitCount: 6)
        writer.write(xor &>> UInt64(newTrailing), bitCount: significant)
    }

    @inline(__always)
    mutating func decode(from reader: inout BitReader) -> UInt64 {
        if !reader.readBit() { return lastBits }
        if reader.readBit() {
            leading = Int(reader.read(bitCount: 5))
            var significant = Int(reader.read(bitCount: 6))
            if significant == 0 { significant = 64 }
            trailing = 64 - leading - significant
            if trailing < 0 { trailing = 0; leading = 64 - significant }  // only in corrupt input
        } else if leading == 0xff {
            leading = 0  // "reuse window" before any window: corrupt input; read something bounded
            trailing = 0
        }
        let meaningful = reader.read(bitCount: 64 - leading - trailing)
        lastBits ^= meaningful &<< UInt64(trailing)
        return lastBits
    }
}
