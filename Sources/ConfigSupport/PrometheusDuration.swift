/// Prometheus' duration syntax: units `y w d h m s ms` in that order, integers only,
/// e.g. `15s`, `1m`, `1h30m`, `500ms`; `0` alone is zero.
public enum PrometheusDuration {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("ms", 0.001), ("m", 60), ("s", 1),
    ]
    private static let order = ["y", "w", "d", "h", "m", "s", "ms"]

    /// Seconds in `text`, or nil when it is not a Prometheus duration.
    public static func seconds(_ text: String) -> Double? {
        if text == "0" { return 0 }
        var rest = Substring(text)
        var total = 0.0
        var lastUnit = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            let position = order.firstIndex(of: unit.suffix)!
            guard position > lastUnit else { return nil }  // units must descend: `1m1h` is invalid
            lastUnit = position
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.seconds
        }
        return total
    }

    /// `seconds` written back in the same syntax (`90` → `1m30s`), for summaries.
    public static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        var ms = Int64((seconds * 1000).rounded())
        var text = ""
        for (suffix, unitMs) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where ms >= unitMs {
            text += "\(ms / unitMs)\(suffix)"
            ms %= unitMs
        }
        return text
    }
}

/// Prometheus' `body_size_limit` syntax: an integer with `B`, `KB`, `MB`, `GB` (powers of 1024,
/// as Prometheus reads them) or the explicit `KiB`, `MiB`, `GiB`; `0` means no limit.
public enum ByteSize {
    public static func bytes(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int(digits) else { return nil }
        let multipliers: [String: Int] = ["": 1, "B": 1, "KB": 1 << 10, "KiB": 1 << 10, "MB": 1 << 20, "MiB": 1 << 20,
                                          "GB": 1 << 30, "GiB": 1 << 30]
        guard let multiplier = multipliers[String(text.dropFirst(digits.count))] else { return nil }
        return value * multiplier
    }
}
