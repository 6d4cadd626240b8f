import Foundation
import LeakDetection

/// `soak compare`'s three formats of one `VersionComparison`: a terminal table, the JSON the HTML
/// report reads (docs/compare.md gives the shape), and Markdown for release notes and PR comments.
struct ComparisonRendering {
    let result: VersionComparison
    let gate: Set<RegressionAspect>
    let settings: ComparisonSettings

    // MARK: JSON

    func json() -> String {
        var rows: [String] = []
        for row in result.rows {
            var fields = [
                "\"metric\": \(Self.quoted(row.metric))",
                "\"labels\": {" + row.labels.sorted { $0.key < $1.key }.map { "\(Self.quoted($0.key)): \(Self.quoted($0.value))" }.joined(separator: ", ") + "}",
                "\"resource\": \(Self.quoted(row.resource.rawValue))",
                "\"verdict\": \(Self.quoted(row.verdict.rawValue))",
                "\"reason\": \(Self.quoted(row.reason))",
            ]
            if let level = row.level {
                fields.append("\"level\": {\"baseline_median\": \(Self.number(level.baselineMedian)), \"candidate_median\": \(Self.number(level.candidateMedian)), \"shift\": \(Self.number(level.shift)), \"shift_ci\": [\(Self.number(level.shiftInterval.lowerBound)), \(Self.number(level.shiftInterval.upperBound))], \"ratio\": \(Self.number(level.ratio))}")
            } else {
                fields.append("\"level\": null")
            }
            if let growth = row.growth {
                fields.append("\"growth\": {\"baseline_per_hour\": \(Self.number(growth.baselinePerHour)), \"candidate_per_hour\": \(Self.number(growth.candidatePerHour)), \"difference_per_hour\": \(Self.number(growth.differencePerHour)), \"difference_ci\": [\(Self.number(growth.differenceInterval.lowerBound)), \(Self.number(growth.differenceInterval.upperBound))]}")
            } else {
                fields.append("\"growth\": null")
            }
            fields.append("\"restarts_per_day\": {\"baseline\": \(Self.number(row.restartsPerDay.baseline)), \"candidate\": \(Self.number(row.restartsPerDay.candidate))}")
            // Not in the issue's shape, added beside it: time to exhaustion where a limit is known.
            fields.append("\"hours_to_exhaustion\": {\"baseline\": \(Self.number(row.hoursToExhaustion.baseline)), \"candidate\": \(Self.number(row.hoursToExhaustion.candidate))}")
            rows.append("    {" + fields.joined(separator: ", ") + "}")
        }
        return """
        {
          "verdict": \(Self.quoted(result.verdict(gatingOn: gate).rawValue)),
          "baseline": \(side(result.baseline)),
          "candidate": \(side(result.candidate)),
          "rows": [
        \(rows.joined(separator: ",\n"))
          ]
        }
        """
    }

    private func side(_ run: ComparedRunSummary) -> String {
        "{\"from\": \(run.fromMs.map { Self.quoted(Self.time($0)) } ?? "null"), \"to\": \(run.toMs.map { Self.quoted(Self.time($0)) } ?? "null"), "
            + "\"versions\": [\(run.versions.map(Self.quoted).joined(separator: ", "))], \"series\": \(run.seriesCount)}"
    }

    // MARK: Text and Markdown

    func text() -> String {
        var lines = [
            "baseline  \(describe(result.baseline))",
            "candidate \(describe(result.candidate))",
            "verdict   \(result.verdict(gatingOn: gate).rawValue) (gate: \(gate.map(\.rawValue).sorted().joined(separator: "+")))",
            "",
        ]
        let header = ["verdict", "metric", "labels", "level base → cand", "shift (CI)", "growth/h base → cand", "diff/h (CI)", "restarts/d"]
        let table = [header] + result.rows.map(cells)
        var widths = Array(repeating: 0, count: header.count)
        for row in table { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for row in table {
            lines.append(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        lines.append("")
        for row in result.rows where row.verdict != .noChange {
            lines.append("\(row.verdict.rawValue): \(row.metric)\(labelText(row.labels)): \(row.reason)")
            if let hours = row.hoursToExhaustion.candidate { lines.append("  candidate reaches its limit in \(Self.short(hours)) h") }
        }
        return lines.joined(separator: "\n")
    }

    func markdown() -> String {
        var lines = [
            "### soak compare: \(result.verdict(gatingOn: gate).rawValue)",
            "",
            "- baseline: \(describe(result.baseline))",
            "- candidate: \(describe(result.candidate))",
            "",
            "| verdict | metric | labels | level base → cand | shift (CI) | growth/h base → cand | diff/h (CI) | restarts/d |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        for row in result.rows {
            lines.append("| " + cells(row).map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        let notes = result.rows.filter { $0.verdict != .noChange }
        if !notes.isEmpty {
            lines.append("")
            for row in notes {
                lines.append("- **\(row.verdict.rawValue)** `\(row.metric)\(labelText(row.labels))`: \(row.reason.replacingOccurrences(of: "|", with: "\\|"))")
            }
        }
        return lines.joined(separator: "\n")
    }

    private func cells(_ row: ComparisonRow) -> [String] {
        let level = row.level.map { "\(Self.short($0.baselineMedian)) → \(Self.short($0.candidateMedian))" } ?? "–"
        let shift = row.level.map { "\(Self.short($0.shift)) (\(Self.short($0.shiftInterval.lowerBound))…\(Self.short($0.shiftInterval.upperBound)))" } ?? "–"
        let growth = row.growth.map { "\(Self.short($0.baselinePerHour)) → \(Self.short($0.candidatePerHour))" } ?? "–"
        let difference = row.growth.map { "\(Self.short($0.differencePerHour)) (\(Self.short($0.differenceInterval.lowerBound))…\(Self.short($0.differenceInterval.upperBound)))" } ?? "–"
        return [row.verdict.rawValue, row.metric, String(labelText(row.labels).dropFirst().dropLast()), level, shift, growth, difference,
                "\(Self.short(row.restartsPerDay.baseline)) → \(Self.short(row.restartsPerDay.candidate))"]
    }

    private func describe(_ run: ComparedRunSummary) -> String {
        let span = run.fromMs.map { Self.time($0) + " – " + Self.time(run.toMs ?? $0) } ?? "no samples"
        let versions = run.versions.isEmpty ? "" : ", version \(run.versions.joined(separator: ", "))"
        return "\(span), \(run.seriesCount) series\(versions)"
    }

    private func labelText(_ labels: [String: String]) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    // MARK: Formatting

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Four significant digits with k/M/G for big numbers: a table cell.
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        for (limit, suffix) in [(1e9, "G"), (1e6, "M"), (1e4, "k")] where magnitude >= limit {
            return String(format: "%.4g", value / limit) + suffix
        }
        return String(format: "%.4g", value)
    }

    static func time(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
