/// The escapes of a quoted string in the Prometheus text format and OpenMetrics (label values,
/// OpenMetrics HELP): `\` → `\\`, `"` → `\"`, line feed → `\n`, everything else as it is.
/// One implementation for every writer: the store's label text, the OpenMetrics export, selector
/// text and the monitor's `/metrics`.
public enum QuotedText {
    /// Appends `text` escaped to `out`. With `escapingLabelSeparators`, `=` and `,` are escaped
    /// too (`\=`, `\,`), as the store's label text needs for label names.
    public static func appendEscaped(_ text: String, to out: inout String, escapingLabelSeparators: Bool = false) {
        // Almost every text needs no escape: append it whole (one copy, not one per scalar).
        if !text.utf8.contains(where: { needsEscape($0, escapingLabelSeparators) }) {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "=" where escapingLabelSeparators: out += "\\="
            case "," where escapingLabelSeparators: out += "\\,"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// `text` escaped.
    public static func escaped(_ text: String) -> String {
        var out = ""
        appendEscaped(text, to: &out)
        return out
    }

    private static func needsEscape(_ byte: UInt8, _ escapingLabelSeparators: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "\n"): true
        case UInt8(ascii: "="), UInt8(ascii: ","): escapingLabelSeparators
        default: false
        }
    }
}
