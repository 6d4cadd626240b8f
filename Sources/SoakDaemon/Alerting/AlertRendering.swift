import SoakModel
import Foundation

/// The labels and annotations of a finding as Alertmanager-style alerts carry them; shared by
/// the Alertmanager and webhook hooks so both receivers see the same alert.
///
/// Labels identify the alert (Alertmanager fingerprints them), so only stable facts go there:
/// `alertname="SoakLeakDetected"`, the series' own labels (target labels such as `job`,
/// `instance`, and `version` when known), `metric` (the series' `__name__`, which Alertmanager
/// would otherwise not show), `resource` and `severity`. The numbers, which change on every
/// refresh, are annotations.
enum AlertRendering {
    static let alertName = "SoakLeakDetected"

    /// The alert's identifying labels. The monitor's own names win over a series label with the
    /// same name (`alertname`, `resource`, `severity`, `metric`).
    static func labels(for finding: LeakFinding) -> [String: String] {
        var labels: [String: String] = [:]
        for (name, value) in finding.seriesLabels where name != "__name__" && !name.isEmpty {
            labels[name] = value
        }
        if !finding.metricName.isEmpty { labels["metric"] = finding.metricName }
        labels["alertname"] = alertName
        labels["resource"] = finding.resource.labelValue
        labels["severity"] = finding.severity.rawValue
        return labels
    }

    /// Human-readable evidence; `hours_to_exhaustion` is absent when no limit is known.
    static func annotations(for finding: LeakFinding) -> [String: String] {
        var annotations: [String: String] = [
            "summary": summary(for: finding),
            "description": description(for: finding),
            "slope_per_hour": number(finding.slopePerHour),
            "growth_percent_per_hour": fixed(finding.growthPercentPerHour, 3),
            "confidence": fixed(finding.confidence, 3),
            "onset": RFC3339.string(from: finding.onsetAt),
            "finding_url": finding.linkURL,
            "dedupe_key": finding.dedupeKey,
        ]
        if let hours = finding.hoursToExhaustion {
            annotations["hours_to_exhaustion"] = fixed(hours, 1)
        }
        return annotations
    }

    /// `Memory leak in process_resident_memory_bytes (job="etcd", instance="…"): +2.30 %/h`.
    static func summary(for finding: LeakFinding) -> String {
        let who = ["job", "instance"].compactMap { name in
            finding.seriesLabels[name].map { "\(name)=\"\($0)\"" }
        }.joined(separator: ", ")
        let subject = who.isEmpty ? finding.metricName : "\(finding.metricName) (\(who))"
        let prefix = finding.state == .resolved ? "Resolved: " : ""
        return "\(prefix)\(resourceTitle(finding.resource)) leak in \(subject): \(signed(finding.growthPercentPerHour)) %/h"
    }

    /// The evidence in one paragraph.
    static func description(for finding: LeakFinding) -> String {
        var parts = [
            "\(finding.seriesSelector) grows by \(rate(finding.slopePerHour, finding.resource))"
                + " (\(signed(finding.growthPercentPerHour)) %/h, confidence \(fixed(finding.confidence, 2)))"
                + " since \(RFC3339.string(from: finding.onsetAt)).",
        ]
        if let hours = finding.hoursToExhaustion {
            parts.append("Projected exhaustion in \(fixed(hours, 1)) h.")
        }
        if let resolvedAt = finding.resolvedAt, finding.state == .resolved {
            parts.append("The episode ended at \(RFC3339.string(from: resolvedAt)).")
        }
        parts.append("Evidence: \(finding.linkURL)")
        return parts.joined(separator: " ")
    }

    static func resourceTitle(_ kind: ResourceKind) -> String {
        switch kind {
        case .memory: "Memory"
        case .fileDescriptors: "File descriptor"
        case .goroutines: "Goroutine"
        case .threads: "Thread"
        case .other: "Other"
        }
    }

    /// A number with up to six significant digits and no trailing zeros: `1234567`, `0.5`, `1.5e+09`.
    /// A slope in the resource's own unit: `+570 MiB/h` for memory, `+212 fds/h`, `+1809 goroutines/h`.
    static func rate(_ slopePerHour: Double, _ resource: ResourceKind) -> String {
        let sign = slopePerHour >= 0 ? "+" : "-"
        let magnitude = abs(slopePerHour)
        switch resource {
        case .memory:
            let units = ["B", "KiB", "MiB", "GiB", "TiB"]
            var scaled = magnitude
            var unit = 0
            while scaled >= 1024, unit < units.count - 1 {
                scaled /= 1024
                unit += 1
            }
            return "\(sign)\(scaled >= 100 || unit == 0 ? String(format: "%.0f", scaled) : String(format: "%.1f", scaled)) \(units[unit])/h"
        default:
            return "\(sign)\(number((magnitude * 10).rounded() / 10)) \(resource.labelValue)/h"
        }
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "") + fixed(value, 2)
    }
}
