import Foundation

/// How the report writes numbers, times and durations: UTC times, binary units for bytes, three
/// significant digits. Text only; escaping is the template's job.
struct ReportFormat {
    private let full: DateFormatter
    private let day: DateFormatter
    private let clock: DateFormatter

    init() {
        func formatter(_ pattern: String) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = pattern
            return formatter
        }
        full = formatter("yyyy-MM-dd HH:mm:ss 'UTC'")
        day = formatter("MM-dd HH:mm")
        clock = formatter("HH:mm:ss")
    }

    /// `2026-12-04 16:20:55 UTC`.
    func time(_ ms: Int64) -> String { full.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)) }

    /// An axis tick: `HH:mm:ss` for spans under a day, `MM-dd HH:mm` beyond.
    func tick(_ ms: Int64, spanMs: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        return spanMs < 86_400_000 ? clock.string(from: date) : day.string(from: date)
    }

    /// `3 d 4 h`, `2 h 5 min`, `95 s`.
    func duration(ms: Int64) -> String {
        let seconds = max(0, ms / 1000)
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60
        if days > 0 { return "\(days) d \(hours) h" }
        if hours > 0 { return "\(hours) h \(minutes) min" }
        if minutes > 0 { return "\(minutes) min \(seconds % 60) s" }
        return "\(seconds) s"
    }

    /// A value in its unit: bytes as KiB/MiB/GiB, counts with k/M above ten thousand.
    func value(_ value: Double, bytes: Bool) -> String {
        guard value.isFinite else { return "–" }
        if bytes {
            let units = ["B", "KiB", "MiB", "GiB", "TiB"]
            var scaled = value, unit = 0
            while abs(scaled) >= 1024 && unit < units.count - 1 { scaled /= 1024; unit += 1 }
            return significant(scaled) + " " + units[unit]
        }
        if abs(value) >= 1e7 { return significant(value / 1e6) + " M" }
        if abs(value) >= 1e4 { return significant(value / 1e3) + " k" }
        return significant(value)
    }

    /// Three significant digits, no exponent, trailing zeros dropped.
    func significant(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(value))))
        let decimals = max(0, min(6, 2 - magnitude))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `+1.23 %/h`.
    func percentPerHour(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + significant(value) + " %/h"
    }

    /// An SVG coordinate with one decimal: short, and exact enough at screen resolution.
    static func coordinate(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
