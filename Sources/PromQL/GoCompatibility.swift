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

/// Go's `regexp.Expand` template language (`$1`, `${1}`, `$name`, `${name}`, `$$`), which
/// `label_replace` replacements use.
enum GoTemplate {
    static func expand(_ template: String, match: Regex<AnyRegexOutput>.Match) -> String {
        var out = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out += "$"
                rest = rest.dropFirst()
                continue
            }
            guard let (name, remaining) = extractName(rest) else {
                out += "$"
                continue
            }
            rest = remaining
            out += group(name, in: match)
        }
        return out + rest
    }

    /// The group name after `$`: `{name}` or a run of letters, digits and `_`.
    private static func extractName(_ text: Substring) -> (String, Substring)? {
        var rest = text
        let braced = rest.first == "{"
        if braced { rest = rest.dropFirst() }
        let name = rest.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        if braced {
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        }
        return (String(name), rest)
    }

    private static func group(_ name: String, in match: Regex<AnyRegexOutput>.Match) -> String {
        let output = match.output
        if name.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let index = Int(name), index < output.count else { return "" }
            return output[index].substring.map(String.init) ?? ""
        }
        for element in output where element.name == name {
            return element.substring.map(String.init) ?? ""
        }
        return ""
    }
}
