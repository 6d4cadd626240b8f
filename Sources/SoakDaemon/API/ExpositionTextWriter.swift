import SoakModel
import SeriesStore

/// Writes metric families in the Prometheus text format, version 0.0.4.
///
/// Used for everything `/metrics` renders itself (the `process_*` family, the `soak_leak_*`
/// and `soak_target_*` gauges); the swift-metrics registry writes its own part.
/// Label *values* come from scraped targets and are escaped as the format requires
/// (backslash, double quote, line feed: "Text-based format", Prometheus exposition formats).
/// Label *names* must already be valid: pass untrusted ones through ``sanitizedLabelName(_:)``.
struct ExpositionTextWriter {
    /// The metric family types this writer emits.
    enum FamilyType: String {
        case counter, gauge
    }

    /// The text so far.
    private(set) var text = ""

    /// Starts a family: `# HELP` (backslash and line feed escaped) and `# TYPE`.
    mutating func family(_ name: String, type: FamilyType, help: String) {
        text += "# HELP \(name) "
        for character in help {
            switch character {
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        text += "\n# TYPE \(name) \(type.rawValue)\n"
    }

    /// One sample line: `name{a="x",b="y"} value`.
    mutating func sample(_ name: String, labels: [(name: String, value: String)] = [], value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, label) in labels.enumerated() {
                if index > 0 { text += "," }
                text += label.name
                text += "=\""
                // `\`, `"` and line feed escaped; any other scalar is valid in a label value as is.
                QuotedText.appendEscaped(label.value, to: &text)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += Self.formatValue(value)
        text += "\n"
    }

    /// A sample value as Prometheus writes it: `NaN`, `+Inf`, `-Inf`, integers without a
    /// fraction, others in Swift's shortest round-tripping form.
    static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A valid label name for an untrusted one, as `/metrics` documents it:
    /// `__name__` → `series_name`; other names starting with `__` (reserved for Prometheus'
    /// internal use) → `series` + name; characters outside `[a-zA-Z0-9_]` → `_`;
    /// a leading digit gets a `_` prefix; an empty name becomes `_`.
    static func sanitizedLabelName(_ name: String) -> String {
        if name == "__name__" { return "series_name" }
        var out = ""
        for scalar in name.unicodeScalars {
            let valid = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
                || (scalar >= "0" && scalar <= "9") || scalar == "_"
            out.unicodeScalars.append(valid ? scalar : "_")
        }
        if out.isEmpty { return "_" }
        if let first = out.unicodeScalars.first, first >= "0" && first <= "9" { out = "_" + out }
        if out.hasPrefix("__") { out = "series" + out }
        return out
    }
}
