import PromQL

/// Writes Prometheus' API JSON by hand: values as strings in Go's `strconv.FormatFloat(v, 'f', -1)`
/// form (`"1"`, `"0.001"`, `"+Inf"`, `"NaN"`) and timestamps as float seconds, exactly as
/// Prometheus renders them, without an encoder's per-point overhead.
struct PrometheusJSON {
    private(set) var text = ""

    init() {
        text.reserveCapacity(4096)
    }

    mutating func raw(_ s: String) { text += s }

    mutating func string(_ s: String) {
        text += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "<": text += "\\u003c"   // as Go's encoder: safe inside HTML
            case ">": text += "\\u003e"
            case "&": text += "\\u0026"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }

    mutating func labels(_ labels: Labels) {
        text += "{"
        for (index, label) in labels.labels.enumerated() {
            if index > 0 { text += "," }
            string(label.name)
            text += ":"
            string(label.value)
        }
        text += "}"
    }

    /// `[1700000000.5,"42"]`
    mutating func point(_ timestampMs: Int64, _ value: Double) {
        text += "["
        text += Self.goFloat(Double(timestampMs) / 1000)
        text += ",\""
        text += Self.goFloat(value)
        text += "\"]"
    }

    /// The `data` of a query answer: `{"resultType":…,"result":…}`.
    mutating func queryData(_ value: Value, atMs: Int64) {
        text += "{\"resultType\":\"\(value.type.rawValue)\",\"result\":"
        switch value {
        case .scalar(let v):
            point(atMs, v)
        case .string(let s):
            text += "[" + Self.goFloat(Double(atMs) / 1000) + ","
            string(s)
            text += "]"
        case .vector(let samples):
            text += "["
            for (index, sample) in samples.enumerated() {
                if index > 0 { text += "," }
                text += "{\"metric\":"
                labels(sample.labels)
                text += ",\"value\":"
                point(atMs, sample.value)
                text += "}"
            }
            text += "]"
        case .matrix(let series):
            matrix(series)
        }
        text += "}"
    }

    mutating func matrix(_ series: [Series]) {
        text += "["
        for (index, row) in series.enumerated() {
            if index > 0 { text += "," }
            text += "{\"metric\":"
            labels(row.labels)
            text += ",\"values\":["
            for (p, pt) in row.points.enumerated() {
                if p > 0 { text += "," }
                point(pt.timestampMs, pt.value)
            }
            text += "]}"
        }
        text += "]"
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that round-trip, never
    /// in exponent form; `+Inf`, `-Inf`, `NaN` as Prometheus writes them.
    static func goFloat(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v == .infinity { return "+Inf" }
        if v == -.infinity { return "-Inf" }
        var text = v.description
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        while digits.count > 1 && digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        if digits == "0" { return sign + "0" }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        return sign + digits.prefix(point) + "." + digits.dropFirst(point)
    }
}
