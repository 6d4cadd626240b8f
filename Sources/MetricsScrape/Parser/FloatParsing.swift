#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the exposition formats' number syntax from bytes, correctly rounded, without allocating.
///
/// Grammar (OpenMetrics ABNF `realnumber`, which also covers what text 0.0.4 exporters write):
/// `[+-] (digits ["." digits] | "." digits) [("e"|"E") [+-] digits]`, `[+-]Inf`, `[+-]Infinity`,
/// `NaN` (the words case-insensitively). Hexadecimal floats, `0x`/`0b`/`0o` prefixes and `_` digit
/// separators, which Go's and Python's parsers accept in some modes, are rejected on purpose:
/// the conformance suite lists them as invalid.
enum FloatParsing {
    /// Exact powers of ten: every one up to 1e22 is representable, which is what makes the
    /// fast path (Clinger, 1990) correctly rounded.
    static let exactPowersOfTen: [Double] = (0...22).map { exp in
        var value = 1.0
        for _ in 0..<exp { value *= 10 }
        return value
    }

    /// Parses `[start, end)` as a number, or returns nil when the bytes are not one.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if p[i] == ASCII.plus || p[i] == ASCII.minus {
            negative = p[i] == ASCII.minus
            i += 1
            guard i < end else { return nil }
        }
        let first = p[i]
        if first > ASCII.nine || (first < ASCII.zero && first != ASCII.dot) {
            return parseWord(p, i, end, negative: negative, signed: i != start)
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedIntegerDigits = 0
        var digitsSeen = 0
        while i < end, p[i] &- ASCII.zero < 10 {
            let d = UInt64(p[i] &- ASCII.zero)
            if significantDigits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ d
                    significantDigits += 1
                }
            } else {
                droppedIntegerDigits += 1
            }
            digitsSeen += 1
            i += 1
        }
        var fractionDigits = 0
        var truncated = droppedIntegerDigits > 0
        if i < end, p[i] == ASCII.dot {
            i += 1
            while i < end, p[i] &- ASCII.zero < 10 {
                let d = UInt64(p[i] &- ASCII.zero)
                if significantDigits < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ d
                        significantDigits += 1
                    }
                    fractionDigits += 1
                } else if d != 0 {
                    truncated = true
                }
                digitsSeen += 1
                i += 1
            }
        }
        guard digitsSeen > 0 else { return nil }
        var exponent = 0
        if i < end, p[i] | 0x20 == 0x65 {  // e or E
            i += 1
            guard i < end else { return nil }
            var exponentNegative = false
            if p[i] == ASCII.plus || p[i] == ASCII.minus {
                exponentNegative = p[i] == ASCII.minus
                i += 1
            }
            var exponentDigits = 0
            while i < end, p[i] &- ASCII.zero < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] &- ASCII.zero) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard i == end else { return nil }
        let decimalExponent = exponent - fractionDigits + droppedIntegerDigits
        if !truncated, mantissa <= 1 << 53, decimalExponent >= -22, decimalExponent <= 22 {
            let m = Double(mantissa)
            let value = decimalExponent >= 0
                ? m * exactPowersOfTen[decimalExponent]
                : m / exactPowersOfTen[-decimalExponent]
            return negative ? -value : value
        }
        return slowPath(p, start, end)
    }

    /// `Inf`, `Infinity` and `NaN`, case-insensitively; a sign is allowed on the infinities only.
    private static func parseWord(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int,
                                  negative: Bool, signed: Bool) -> Double? {
        let length = end - i
        if length == 3 {
            let a = p[i] | 0x20, b = p[i + 1] | 0x20, c = p[i + 2] | 0x20
            if a == 0x69, b == 0x6E, c == 0x66 { return negative ? -.infinity : .infinity }  // inf
            if !signed, a == 0x6E, b == 0x61, c == 0x6E { return .nan }                        // nan
            return nil
        }
        if length == 8 {
            let word: [UInt8] = Array("infinity".utf8)
            for k in 0..<8 where p[i + k] | 0x20 != word[k] { return nil }
            return negative ? -.infinity : .infinity
        }
        return nil
    }

    /// Correct rounding for the rare long or extreme number: strtod on a NUL-terminated copy.
    /// The grammar was already checked, so strtod sees only a plain decimal literal.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: p[start + k]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            return endPointer == buffer.baseAddress! + length ? value : nil
        }
    }

    /// Parses `[+-]digits` as a 64-bit integer (text 0.0.4 millisecond timestamps), nil on overflow.
    @inline(__always)
    static func parseInt64(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if p[i] == ASCII.plus || p[i] == ASCII.minus {
            negative = p[i] == ASCII.minus
            i += 1
        }
        guard i < end else { return nil }
        var magnitude: UInt64 = 0
        while i < end {
            let d = p[i] &- ASCII.zero
            guard d < 10 else { return nil }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = sum
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
