/// Codes a column of integers (a decimal chunk's mantissas, a decimal rollup's min/max/sum) as
/// their change from one to the next — the delta (`order` 1: noisy gauges, whose deltas are
/// small and uncorrelated) or the delta of the delta (`order` 2: counters rising at a steady
/// rate) — in Golomb–Rice code with one parameter `k` per column:
///
/// - the code `c` is zigzagged (`0, -1, 1, -2, …` → `0, 1, 2, 3, …`) to `z`;
/// - `q = z >> k` is written in unary (`q` ones, then a zero), then the low `k` bits of `z`;
/// - `q ≥ 20` is not written: 20 ones, then `0` + `z` in 64 bits, or `1` + 64 raw `Double` bits
///   (a value no decimal scale holds: Prometheus' stale marker, ±Inf, −0.0), which leaves the
///   integer state unchanged.
///
/// Rice codes are within a fraction of a bit of the entropy for the geometric-like distributions
/// of scrape-to-scrape changes, where fixed buckets waste up to half their width: a gauge printed
/// at 6 significant digits whose noise spans ±3,000 units costs ~14 bits instead of 18, a
/// Poisson(150) counter ~10 instead of 18, a constant 1 bit (`k` = 0). `bestParameter` picks `k`
/// by counting bits.
struct IntegerColumnCodec: Sendable {
    /// Unary quotients from here on are escaped.
    static let escapeOnes = 20
    /// 1: code the delta; 2: code the delta of the delta.
    let order: Int
    /// The Rice parameter (0…62).
    let k: Int
    private(set) var last: Int64 = 0
    private var lastDelta: Int64 = 0

    /// `start` is the value the first code is taken from (written in the blob's header, so the
    /// first value costs a few bits instead of an escape).
    init(order: Int, k: Int, start: Int64 = 0) {
        self.order = order
        self.k = k
        self.last = start
    }

    /// The parameters of one coded column, as its blob header stores them.
    struct Parameters: Equatable {
        var order: Int
        var k: Int
        var start: Int64
    }

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value &<< 1) ^ (value >> 63)) }

    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    /// Bits `encode` writes for code `z` (zigzagged) with parameter `k`.
    @inline(__always)
    static func bitCount(ofZigzag z: UInt64, k: Int) -> Int {
        let q = z >> UInt64(k)
        return q < UInt64(escapeOnes) ? Int(q) + 1 + k : escapeOnes + 1 + 64
    }

    /// The zigzagged code `encode(value)` would write next, without writing it.
    @inline(__always)
    func zigzagCode(for value: Int64) -> UInt64 {
        let delta = value &- last
        return Self.zigzag(order == 2 ? delta &- lastDelta : delta)
    }

    /// Moves the state past `value` without writing (for estimates).
    @inline(__always)
    mutating func advance(to value: Int64) {
        lastDelta = value &- last
        last = value
    }

    @inline(__always)
    mutating func encode(_ value: Int64, into writer: inout BitWriter) {
        let z = zigzagCode(for: value)
        let q = z >> UInt64(k)
        if q < UInt64(Self.escapeOnes) {
            // q ones and a zero, then k bits: at most 20 + 62 bits, written in two steps.
            writer.write(((1 << q) - 1) << 1, bitCount: Int(q) + 1)
            writer.write(z, bitCount: k)
        } else {
            writer.write((1 << UInt64(Self.escapeOnes)) - 1, bitCount: Self.escapeOnes)
            writer.write(0, bitCount: 1)
            writer.write(z, bitCount: 64)
        }
        advance(to: value)
    }

    /// Writes the raw escape and `bits` verbatim; the integer state stays where it was.
    @inline(__always)
    static func encodeRaw(_ bits: UInt64, into writer: inout BitWriter) {
        writer.write((1 << UInt64(escapeOnes)) - 1, bitCount: escapeOnes)
        writer.write(1, bitCount: 1)
        writer.write(bits, bitCount: 64)
    }

    /// One decoded code: an integer of the column, or an escaped raw `Double` bit pattern.
    enum Decoded {
        case integer(Int64)
        case raw(UInt64)
    }

    @inline(__always)
    mutating func decode(from reader: inout BitReader) -> Decoded {
        var q: UInt64 = 0
        while q < UInt64(Self.escapeOnes) && reader.readBit() { q += 1 }
        let z: UInt64
        if q < UInt64(Self.escapeOnes) {
            z = (q << UInt64(k)) | reader.read(bitCount: k)
        } else if reader.readBit() {
            return .raw(reader.read(bitCount: 64))
        } else {
            z = reader.read(bitCount: 64)
        }
        let code = Self.unzigzag(z)
        let delta = order == 2 ? lastDelta &+ code : code
        let value = last &+ delta
        lastDelta = delta
        last = value
        return .integer(value)
    }

    /// The order (1 or 2) and Rice parameter that code `column` (entries where `skip` is false)
    /// in the fewest bits, counted exactly for `k` within 3 of the median code's bit length (the
    /// Rice optimum sits just below it; a mean would follow the few large codes that escape).
    static func bestParameters(_ column: [Int64], skip: [Bool]? = nil) -> Parameters {
        let start = column.indices.first { !(skip?[$0] ?? false) }.map { column[$0] } ?? 0
        var best = (order: 1, k: 0, bits: Int.max)
        var codes: [UInt64] = []
        codes.reserveCapacity(column.count)
        for order in [1, 2] {
            codes.removeAll(keepingCapacity: true)
            var state = IntegerColumnCodec(order: order, k: 0, start: start)
            var lengths = [Int](repeating: 0, count: 65)
            for index in column.indices where !(skip?[index] ?? false) {
                let z = state.zigzagCode(for: column[index])
                codes.append(z)
                lengths[64 - z.leadingZeroBitCount] += 1
                state.advance(to: column[index])
            }
            var median = 0
            var seen = 0
            while median < 64 && (seen + lengths[median]) * 2 < codes.count {
                seen += lengths[median]
                median += 1
            }
            for k in max(0, median - 3)...min(62, median + 3) {
                var bits = 0
                for z in codes { bits &+= bitCount(ofZigzag: z, k: k) }
                if bits < best.bits { best = (order, k, bits) }
            }
        }
        return Parameters(order: best.order, k: best.k, start: start)
    }

    /// A codec set up with `parameters`.
    init(_ parameters: Parameters) {
        self.init(order: parameters.order, k: parameters.k, start: parameters.start)
    }

    /// Appends `parameters` as a header: order byte, parameter byte, zigzag varint start.
    static func appendHeader(_ parameters: Parameters, to out: inout [UInt8]) {
        out.append(UInt8(parameters.order))
        out.append(UInt8(parameters.k))
        Varint.append(zigzag(parameters.start), to: &out)
    }

    /// Reads a header written by `appendHeader`; nil when truncated or out of range.
    static func readHeader(_ bytes: UnsafeRawBufferPointer, offset: inout Int) -> Parameters? {
        guard offset + 2 <= bytes.count else { return nil }
        let order = Int(bytes[offset]), k = Int(bytes[offset + 1])
        offset += 2
        guard order == 1 || order == 2, k <= 62, let start = Varint.read(bytes, offset: &offset) else { return nil }
        return Parameters(order: order, k: k, start: unzigzag(start))
    }
}
