/// Prometheus' duration syntax: `1h30m`, `5m`, `250ms`, `2d`, `1w`, `1y` (units in descending
/// order, each at most once), as `model.ParseDuration` reads it.
public enum PromDuration {
    private static let units: [(String, Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// The longest duration Prometheus accepts: Go's `time.Duration` (int64 nanoseconds, ≈ 292
    /// years). Bounding it also keeps every `t - offset - range` far from Int64 overflow.
    public static let maxMilliseconds: Int64 = Int64.max / 1_000_000

    /// Milliseconds, or nil when `text` is not a Prometheus duration (or longer than ≈ 292 years).
    public static func milliseconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        var scalars = Substring(text)
        var total: Int64 = 0
        var lastUnitIndex = -1
        guard !scalars.isEmpty else { return nil }
        while !scalars.isEmpty {
            let digits = scalars.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            scalars = scalars.dropFirst(digits.count)
            let unitText: String
            if scalars.hasPrefix("ms") {
                unitText = "ms"
            } else if let first = scalars.first, "ywdhms".contains(first) {
                unitText = String(first)
            } else {
                return nil
            }
            scalars = scalars.dropFirst(unitText.count)
            guard let index = units.firstIndex(where: { $0.0 == unitText }), index > lastUnitIndex else { return nil }
            lastUnitIndex = index
            let (product, overflow) = number.multipliedReportingOverflow(by: units[index].1)
            guard !overflow else { return nil }
            total += product
            guard total <= maxMilliseconds else { return nil }
        }
        return total
    }

    /// `model.Duration.String()`: `1h30m`, `5m`, `0s`.
    public static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = milliseconds < 0 ? "-" : ""
        rest = abs(rest)
        for (unit, size) in units where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
