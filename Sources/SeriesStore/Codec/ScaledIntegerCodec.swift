/// Codes a column of integers (a decimal chunk's mantissas, a rollup's min/max/sum) as their
/// change from one to the next: the delta (`order` 1, for noisy gauges, whose deltas are small
/// and uncorrelated) or the delta of the delta (`order` 2, for counters rising at a steady rate).
///
/// | prefix   | payload | code range |
/// |----------|---------|------------|
/// | `0`      | —       | 0 (unchanged value or rate) |
/// | `10`     | 4 bits  | −7 … 8 (Poisson counts, idle counters) |
/// | `110`    | 8 bits  | −127 … 128 |
/// | `1110`   | 14 bits | −8191 … 8192 (a 6-digit gauge's noise) |
/// | `11110`  | 22 bits | −2097151 … 2097152 |
/// | `111110` | 64 bits | anything (two's complement) |
/// | `111111` | 64 bits | not an integer: the value's raw `Double` bits follow, the state is unchanged |
///
/// The escape keeps a chunk decimal when it holds a few values no scale represents: Prometheus'
/// stale marker (a NaN payload), ±Inf, −0.0. Arithmetic wraps, as in `TimestampCodec`.
struct ScaledIntegerCodec: Sendable {
    /// 1: code the delta; 2: code the delta of the delta.
    let order: Int
    private(set) var last: Int64 = 0
    private var lastDelta: Int64 = 0

    init(order: Int) {
        self.order = order
    }

    /// Bits `encode` writes for a code `value` (the delta or delta-of-delta).
    @inline(__always)
    static func bitCount(ofCode code: Int64) -> Int {
        if code == 0 { return 1 }
        if code >= -7 && code <= 8 { return 6 }
        if code >= -127 && code <= 128 { return 11 }
        if code >= -8191 && code <= 8192 { return 18 }
        if code >= -2_097_151 && code <= 2_097_152 { return 27 }
        return 70
    }

    /// The code `encode(value)` would write next (delta or delta-of-delta), without writing it.
    @inline(__always)
    func code(for value: Int64) -> Int64 {
        let delta = value &- last
        return order == 2 ? delta &- lastDelta : delta
    }

    /// Moves the state past `value` without writing (for `bitCount` estimates).
    @inline(__always)
    mutating func advance(to value: Int64) {
        lastDelta = value &- last
        last = value
    }

    @inline(__always)
    mutating func encode(_ value: Int64, into writer: inout BitWriter) {
        let code = code(for: value)
        if code == 0 {
            writer.write(0, bitCount: 1)
        } else if code >= -7 && code <= 8 {
            writer.write(0b10, bitCount: 2)
            writer.write(UInt64(bitPattern: code), bitCount: 4)
        } else if code >= -127 && code <= 128 {
            writer.write(0b110, bitCount: 3)
            writer.write(UInt64(bitPattern: code), bitCount: 8)
        } else if code >= -8191 && code <= 8192 {
            writer.write(0b1110, bitCount: 4)
            writer.write(UInt64(bitPattern: code), bitCount: 14)
        } else if code >= -2_097_151 && code <= 2_097_152 {
            writer.write(0b11110, bitCount: 5)
            writer.write(UInt64(bitPattern: code), bitCount: 22)
        } else {
            writer.write(0b111110, bitCount: 6)
            writer.write(UInt64(bitPattern: code), bitCount: 64)
        }
        advance(to: value)
    }

    /// Writes the escape and `bits` verbatim; the integer state stays where it was.
    @inline(__always)
    static func encodeRaw(_ bits: UInt64, into writer: inout BitWriter) {
        writer.write(0b111111, bitCount: 6)
        writer.write(bits, bitCount: 64)
    }

    /// One decoded code: an integer of the column, or an escaped raw `Double` bit pattern.
    enum Decoded {
        case integer(Int64)
        case raw(UInt64)
    }

    @inline(__always)
    mutating func decode(from reader: inout BitReader) -> Decoded {
        var payloadBits = 0
        var ones = 0
        while ones < 6 && reader.readBit() { ones += 1 }
        switch ones {
        case 0: payloadBits = 0
        case 1: payloadBits = 4
        case 2: payloadBits = 8
        case 3: payloadBits = 14
        case 4: payloadBits = 22
        case 5:
            // `111110`: the sixth bit was the 0 that ended the loop.
            payloadBits = 64
        default:
            return .raw(reader.read(bitCount: 64))
        }
        var code: Int64 = 0
        if payloadBits == 64 {
            code = Int64(bitPattern: reader.read(bitCount: 64))
        } else if payloadBits > 0 {
            // Values above 2^(n-1) are negative in n-bit two's complement.
            let raw = Int64(reader.read(bitCount: payloadBits))
            code = raw > (1 << (payloadBits - 1)) ? raw - (1 << payloadBits) : raw
        }
        let delta = order == 2 ? lastDelta &+ code : code
        let value = last &+ delta
        lastDelta = delta
        last = value
        return .integer(value)
    }
}
