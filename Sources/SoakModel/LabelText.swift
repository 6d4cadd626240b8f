/// The label set as stored in `series.labels`: `a="1",b="x\"y"`, canonical order.
///
/// One text column keeps `UNIQUE(metric, labels)` a plain index and stays readable in a
/// `sqlite3` shell. Values escape `\`, `"` and newline as in OpenMetrics; names additionally
/// escape `=` and `,` so that untrusted names cannot make two label sets collide.
public enum LabelText {
    public static func encode(_ labels: [Label]) -> String {
        var out = ""
        for (index, label) in labels.enumerated() {
            if index > 0 { out += "," }
            QuotedText.appendEscaped(label.name, to: &out, escapingLabelSeparators: true)
            out += "=\""
            QuotedText.appendEscaped(label.value, to: &out)
            out += "\""
        }
        return out
    }

    /// Parses `encode`'s output; nil when the text is not in that form (a damaged row).
    public static func decode(_ text: String) -> [Label]? {
        var labels: [Label] = []
        var scalars = Array(text.unicodeScalars)[...]
        while !scalars.isEmpty {
            guard let name = readEscaped(&scalars, until: "="), scalars.first == "\"" else { return nil }
            scalars.removeFirst()
            guard let value = readEscaped(&scalars, until: "\"") else { return nil }
            labels.append(Label(name, value))
            if let next = scalars.first {
                guard next == "," else { return nil }
                scalars.removeFirst()
            }
        }
        return labels
    }

    /// Reads up to the unescaped `terminator`, consuming it.
    private static func readEscaped(_ scalars: inout ArraySlice<Unicode.Scalar>, until terminator: Unicode.Scalar) -> String? {
        var out = String.UnicodeScalarView()
        while let scalar = scalars.popFirst() {
            if scalar == terminator { return String(out) }
            if scalar == "\\" {
                guard let escaped = scalars.popFirst() else { return nil }
                out.append(escaped == "n" ? "\n" : escaped)
            } else {
                out.append(scalar)
            }
        }
        return nil
    }
}
