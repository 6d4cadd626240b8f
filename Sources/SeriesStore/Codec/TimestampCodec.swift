/// Delta-of-delta timestamp coding (Gorilla, Pelkonen et al. 2015, §4.1.1), in milliseconds.
///
/// Each timestamp is written as the change of the gap to its predecessor, in buckets:
///
/// | prefix | payload | delta-of-delta range (ms) |
/// |--------|---------|---------------------------|
/// | `0`    | —       | 0                         |
/// | `10`   | 7 bits  | −63 … 64 (scrape jitter)  |
/// | `110`  | 14 bits | −8191 … 8192              |
/// | `1110` | 20 bits | −524287 … 524288          |
/// | `1111` | 64 bits | anything (raw two's complement) |
///
/// The state starts at time 0 with gap 0, so the first timestamp takes the 64-bit bucket and
/// the second one's delta-of-delta is its gap (15 000 ms fits 20 bits). Arithmetic wraps, so
/// timestamps that jump from `Int64.min` to `Int64.max` still round-trip bit-exactly.
/// Payloads are two's complement in `n` bits, as in Prometheus' `xorAppender`.
struct TimestampCodec: Sendable {
    private(set) var lastMs: Int64 = 0
    private var lastDeltaMs: Int64 = 0

    @inline(__always)
    mutating func encode(_ timestampMs: Int64, into writer: inout BitWriter) {
        let delta = timestampMs &- lastMs
        let dod = delta &- lastDeltaMs
        if dod == 0 {
            writer.write(0, bitCount: 1)
        } else if dod >= -63 && dod <= 64 {
            writer.write(0b10, bitCount: 2)
            writer.write(UInt64(bitPattern: dod), bitCount: 7)
        } else if dod >= -8191 && dod <= 8192 {
            writer.write(0b110, bitCount: 3)
            writer.write(UInt64(bitPattern: dod), bitCount: 14)
        } else if dod >= -524_287 && dod <= 524_288 {
            writer.write(0b1110, bitCount: 4)
            writer.write(UInt64(bitPattern: dod), bitCount: 20)
        } else {
            writer.write(0b1111, bitCount: 4)
            writer.write(UInt64(bitPattern: dod), bitCount: 64)
        }
        lastDeltaMs = delta
        lastMs = timestampMs
    }

    @inline(__always)
    mutating func decode(from reader: inout BitReader) -> Int64 {
        var dod: Int64 = 0
        if reader.readBit() {
            var payloadBits = 7
            if reader.readBit() {
                payloadBits = 14
                if reader.readBit() {
                    payloadBits = reader.readBit() ? 64 : 20
                }
            }
            let raw = reader.read(bitCount: payloadBits)
            if payloadBits == 64 {
                dod = Int64(bitPattern: raw)
            } else {
                // Values above 2^(n-1) are negative in n-bit two's complement.
                let signed = Int64(raw)
                dod = signed > (1 << (payloadBits - 1)) ? signed - (1 << payloadBits) : signed
            }
        }
        lastDeltaMs = lastDeltaMs &+ dod
        lastMs = lastMs &+ lastDeltaMs
        return lastMs
    }
}
