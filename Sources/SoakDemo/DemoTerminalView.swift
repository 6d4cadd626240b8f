import SoakDaemon
import SoakModel
import Foundation

/// Renders `soak demo`'s live view: a progress bar for the run, the targets with their health,
/// and every tracked series with its detector state and evidence.
///
/// A pure function of the snapshots, so what the user sees is exactly what the HTTP API reports,
/// and tests can check the screen. Text from targets (label values, errors) is untrusted: control
/// characters are replaced, so a hostile exporter cannot move the cursor or recolour the terminal.
public struct DemoTerminalView: Sendable {
    public var width: Int

    public init(width: Int = 100) {
        self.width = width
    }

    /// One screen.
    public func render(elapsedSeconds: Double, totalSeconds: Double, databasePath: String,
                       targets: [TargetSnapshot], findings: [FindingSnapshot]) -> String {
        var lines: [String] = []
        lines.append("SoakMonitor demo: 3 exporters on 127.0.0.1, scraped every second through libcurl,")
        lines.append("stored in \(Self.sanitize(databasePath)), judged by the detector's time-compressed preset")
        lines.append("(1 minute here stands for 1 hour of a cluster: growth rates are per hour of demo clock).")
        lines.append("")
        lines.append(progressBar(elapsedSeconds: elapsedSeconds, totalSeconds: totalSeconds))
        lines.append("")
        lines.append(row(["TARGET", "HEALTH", "SAMPLES", "VERSION", "LAST ERROR"], [30, 8, 8, 10, 40]))
        for target in targets {
            lines.append(row([
                "\(target.job) \(target.instance)", target.health.rawValue,
                target.samplesScraped.map(String.init) ?? "-", target.detectedVersion ?? "-", target.lastError ?? "",
            ], [30, 8, 8, 10, 40]))
        }
        lines.append("")
        lines.append(row(["SERIES", "RESOURCE", "STATE", "GROWTH %/h", "EXHAUSTED IN", "CONFIDENCE"], [44, 12, 9, 11, 13, 10]))
        for finding in findings.sorted(by: Self.displayOrder) {
            lines.append(row([
                Self.seriesName(finding), finding.resource.labelValue, finding.state.rawValue.uppercased(),
                Self.signed(finding.growthPercentPerHour), finding.hoursToExhaustion.map(Self.duration) ?? "-",
                String(format: "%.2f", finding.confidence),
            ], [44, 12, 9, 11, 13, 10]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The closing summary: what was found, when, and what was rightly left alone.
    public func summary(startedAt: Date, findings: [FindingSnapshot]) -> String {
        var lines = ["", "Summary"]
        let alerted = findings.filter { $0.firstAlertAt != nil }.sorted { $0.firstAlertAt! < $1.firstAlertAt! }
        for finding in alerted {
            let after = finding.firstAlertAt!.timeIntervalSince(startedAt)
            var line = "  LEAK  \(Self.seriesName(finding)): alerted \(Int(after.rounded())) s after start, "
            line += "growth \(Self.signed(finding.growthPercentPerHour)) %/h"
            if let hours = finding.hoursToExhaustion { line += ", limit reached in \(Self.duration(hours))" }
            if finding.state == .resolved { line += " (since resolved)" }
            lines.append(line)
        }
        let quiet = Set(findings.map { $0.seriesLabels["job"] ?? "" })
            .subtracting(alerted.map { $0.seriesLabels["job"] ?? "" }).sorted()
        for job in quiet {
            lines.append("  OK    \(Self.sanitize(job)): no alert (its growth was warm-up, noise or churn)")
        }
        if alerted.isEmpty { lines.append("  no leak was alerted") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func progressBar(elapsedSeconds: Double, totalSeconds: Double) -> String {
        let fraction = totalSeconds > 0 ? min(1, max(0, elapsedSeconds / totalSeconds)) : 1
        let cells = 40
        let filled = Int((fraction * Double(cells)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled) + "] "
            + "\(Int(elapsedSeconds)) s of \(Int(totalSeconds)) s"
    }

    private func row(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (cell, width) in zip(cells, widths) {
            let clean = Self.sanitize(cell)
            let fitted = clean.count > width - 1 ? String(clean.prefix(width - 2)) + "…" : clean
            line += fitted + String(repeating: " ", count: max(1, width - fitted.count))
        }
        return String(line.prefix(width + 40)).trimmingCharacters(in: .whitespaces)
    }

    /// `job metric` for a series, e.g. `kubelet process_open_fds`.
    static func seriesName(_ finding: FindingSnapshot) -> String {
        "\(finding.seriesLabels["job"] ?? "?") \(finding.seriesLabels["__name__"] ?? "?")"
    }

    /// Leaks first, then suspects, then the rest; by name within a state.
    static func displayOrder(_ a: FindingSnapshot, _ b: FindingSnapshot) -> Bool {
        let rank: (LeakVerdict) -> Int = { [.leak: 0, .suspect: 1, .resolved: 2, .ok: 3][$0] ?? 4 }
        return rank(a.state) != rank(b.state) ? rank(a.state) < rank(b.state) : seriesName(a) < seriesName(b)
    }

    static func signed(_ value: Double) -> String {
        value.isFinite ? String(format: "%+.1f", value) : "-"
    }

    static func duration(_ hours: Double) -> String {
        hours < 1 ? "\(Int((hours * 60).rounded())) min" : hours < 48 ? String(format: "%.1f h", hours) : String(format: "%.0f d", hours / 24)
    }

    /// Replaces control characters (ESC, CR, LF, …) so untrusted text cannot drive the terminal.
    static func sanitize(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
    }
}
