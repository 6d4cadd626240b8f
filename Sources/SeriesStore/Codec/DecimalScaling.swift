/// Decimal-digit scaling (as VictoriaMetrics stores values): a chunk whose values were printed
/// with few significant digits — `234.567`, `0.0125`, `1.5e+09`, every integer — holds each value
/// as an integer mantissa `m` with one decimal exponent for the chunk, `value = m × 10^-scale`.
///
/// Exactness: a value is taken only when `Double(m) / 10^scale` (or `× 10^-scale` for a negative
/// scale) gives back its bit pattern. Both operands are exact (`|m| ≤ 2^53`, `10^k` exact for
/// `k ≤ 22`) and IEEE division and multiplication round correctly, so decoding yields the
/// double nearest to the rational `m / 10^scale`: the value a correctly rounding parser made of
/// the printed text. Raising the scale multiplies every mantissa by 10 and leaves those
/// rationals, hence the decoded values, unchanged; the encoder still decodes what it wrote and
/// compares bits before a decimal chunk replaces its XOR form.
struct DecimalScaling {
    /// The exponent range tried: 10^18 keeps mantissa arithmetic in Int64 and the powers exact.
    static let scaleRange = -18...18
    /// |mantissa| bound: larger integers are not all exact as `Double`.
    static let mantissaLimit: Int64 = 1 << 53

    /// The chunk's scale: `value = mantissa / 10^scale`.
    private(set) var scale = 0
    /// One mantissa per value; 0 for escaped values.
    private(set) var mantissas: [Int64] = []
    /// Which values are escaped (stored as raw bits): NaN, ±Inf, −0.0, values no scale holds.
    private(set) var isRaw: [Bool] = []
    private(set) var rawCount = 0

    /// Finds the smallest scale that holds `values` and their mantissas, or nil when more than an
    /// eighth of them would need the raw escape (XOR codes such a chunk better).
    init?(values: [Double]) {
        mantissas.reserveCapacity(values.count)
        isRaw.reserveCapacity(values.count)
        var scaleSet = false
        let rawLimit = values.count / 8
        for value in values {
            if value == 0 && value.sign == .plus {
                mantissas.append(0)  // +0 is 0 at every scale
                isRaw.append(false)
                continue
            }
            if value.isFinite && value != 0 {
                if scaleSet, let m = Self.mantissa(of: value, scale: scale) {
                    mantissas.append(m)
                    isRaw.append(false)
                    continue
                }
                // The smallest scale above the current one (any, for the first value) that holds it.
                let lowest = scaleSet ? scale + 1 : Self.scaleRange.lowerBound
                var found: (scale: Int, mantissa: Int64)?
                if lowest <= Self.scaleRange.upperBound {
                    for candidate in lowest...Self.scaleRange.upperBound {
                        if let m = Self.mantissa(of: value, scale: candidate) { found = (candidate, m); break }
                    }
                }
                if let found, !scaleSet || rescale(to: found.scale) {
                    scale = found.scale
                    scaleSet = true
                    mantissas.append(found.mantissa)
                    isRaw.append(false)
                    continue
                }
            }
            mantissas.append(0)
            isRaw.append(true)
            rawCount += 1
            if rawCount > rawLimit { return nil }
        }
    }

    /// Multiplies every mantissa so far by 10^(newScale − scale); false when one would leave the
    /// exact range (the value asking for it is then escaped instead).
    private mutating func rescale(to newScale: Int) -> Bool {
        guard newScale - scale < Self.powersOfTenInt.count else { return false }
        let factor = Self.powersOfTenInt[newScale - scale]
        let bound = Self.mantissaLimit / factor
        for m in mantissas where m > bound || m < -bound { return false }
        for index in mantissas.indices { mantissas[index] &*= factor }
        return true
    }

    /// `value`'s mantissa at `scale`, when `decode(mantissa, scale)` gives back its exact bits.
    @inline(__always)
    static func mantissa(of value: Double, scale: Int) -> Int64? {
        let scaled = scale >= 0 ? value * powersOfTen[scale] : value / powersOfTen[-scale]
        let rounded = scaled.rounded()
        guard rounded.magnitude <= Double(mantissaLimit) else { return nil }
        let m = Int64(rounded)
        return decode(m, scale: scale).bitPattern == value.bitPattern ? m : nil
    }

    /// The value of mantissa `m` at `scale`: the double nearest to `m / 10^scale`.
    @inline(__always)
    static func decode(_ m: Int64, scale: Int) -> Double {
        scale >= 0 ? Double(m) / powersOfTen[scale] : Double(m) * powersOfTen[-scale]
    }

    /// 10^0 … 10^22, every one exact in a `Double`.
    static let powersOfTen: [Double] = {
        var out: [Double] = [1]
        for _ in 1...22 { out.append(out[out.count - 1] * 10) }
        return out
    }()

    /// 10^0 … 10^18 as integers.
    static let powersOfTenInt: [Int64] = {
        var out: [Int64] = [1]
        for _ in 1...18 { out.append(out[out.count - 1] * 10) }
        return out
    }()
}
