/// Go's `math.Max`/`math.Min`/`strconv.ParseFloat` semantics, which PromQL results depend on
/// (NaN wins, +0 beats -0; `le` values like `+Inf` and `1e3`).
enum GoMath {
    static func max(_ x: Double, _ y: Double) -> Double {
        if x == .infinity || y == .infinity { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    static func min(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity || y == -.infinity { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// `strconv.ParseFloat(s, 64)`: decimal and hex floats, `Inf`/`+Inf`/`-Inf`/`NaN` in any case.
    static func parseFloat(_ text: String) -> Double? {
        let lower = text.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        return Double(text)
    }
}
