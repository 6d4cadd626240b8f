/// The `soak_leak_*` and `soak_target_*` gauge families, rendered from snapshots at request time.
///
/// So an existing Prometheus can scrape the monitor's findings and alert or graph on them:
/// one sample per finding, carrying the series' labels (sanitised, see
/// ``ExpositionTextWriter/sanitizedLabelName(_:)``) plus `resource`.
enum LeakGaugeFamilies {
    static let state = "soak_leak_state"
    static let growth = "soak_leak_growth_percent_per_hour"
    static let hoursToExhaustion = "soak_leak_hours_to_exhaustion"
    static let confidence = "soak_leak_confidence"
    static let targetUp = "soak_target_up"
    static let targetScrapeDuration = "soak_target_scrape_duration_seconds"

    /// Every family name this type writes, for the docs and the dashboard test.
    static let names = [state, growth, hoursToExhaustion, confidence, targetUp, targetScrapeDuration]

    /// The labels of one finding's samples: the series' labels, sanitised, sorted by their
    /// original name, then `resource`. A series label that collides with `resource` or with
    /// an earlier label after sanitising is renamed `exported_<name>`, as Prometheus does for
    /// target labels that collide with its own (`honor_labels: false`).
    static func labels(of finding: FindingSnapshot) -> [(name: String, value: String)] {
        var used: Set<String> = ["resource"]
        var out: [(name: String, value: String)] = []
        for (name, value) in finding.seriesLabels.sorted(by: { $0.key < $1.key }) {
            var sanitized = ExpositionTextWriter.sanitizedLabelName(name)
            while used.contains(sanitized) { sanitized = "exported_" + sanitized }
            used.insert(sanitized)
            out.append((sanitized, value))
        }
        out.append(("resource", finding.resource.labelValue))
        return out
    }

    /// Writes the four `soak_leak_*` families. Findings whose rendered label sets coincide are
    /// written once (the first in `findings` order): a duplicate sample would make Prometheus
    /// reject the whole scrape.
    static func write(findings: [FindingSnapshot], into writer: inout ExpositionTextWriter) {
        var seen: Set<String> = []
        var rows: [(labels: [(name: String, value: String)], finding: FindingSnapshot)] = []
        for finding in findings {
            let rendered = Self.labels(of: finding)
            let key = rendered.map { "\($0.name)\u{0}\($0.value)" }.joined(separator: "\u{1}")
            guard seen.insert(key).inserted else { continue }
            rows.append((rendered, finding))
        }
        writer.family(state, type: .gauge, help: "Leak detector state per tracked series: 0 ok (or resolved), 1 suspect, 2 leak.")
        for row in rows { writer.sample(state, labels: row.labels, value: row.finding.state.gaugeValue) }
        writer.family(growth, type: .gauge, help: "Robust fitted growth of the series relative to its level, percent per hour.")
        for row in rows where row.finding.growthPercentPerHour.isFinite {
            writer.sample(growth, labels: row.labels, value: row.finding.growthPercentPerHour)
        }
        writer.family(hoursToExhaustion, type: .gauge,
                      help: "Hours until the resource's known limit is reached at the fitted slope; absent without a limit or growth.")
        for row in rows {
            guard let hours = row.finding.hoursToExhaustion, hours.isFinite else { continue }
            writer.sample(hoursToExhaustion, labels: row.labels, value: hours)
        }
        writer.family(confidence, type: .gauge, help: "The detector's one-sided confidence that the series rises, 0 to 1.")
        for row in rows where row.finding.confidence.isFinite {
            writer.sample(confidence, labels: row.labels, value: row.finding.confidence)
        }
    }

    /// Writes `soak_target_up` (1 up, 0 down; targets not scraped yet are absent) and
    /// `soak_target_scrape_duration_seconds`, labelled `job` and `instance`.
    static func write(targets: [TargetSnapshot], into writer: inout ExpositionTextWriter) {
        var seen: Set<[String]> = []
        let rows = targets.filter { $0.health != .unknown && seen.insert([$0.job, $0.instance]).inserted }
        writer.family(targetUp, type: .gauge, help: "Whether the last scrape of the target succeeded (1) or failed (0).")
        for target in rows {
            writer.sample(targetUp, labels: [("job", target.job), ("instance", target.instance)],
                          value: target.health == .up ? 1 : 0)
        }
        writer.family(targetScrapeDuration, type: .gauge, help: "Duration of the target's last scrape in seconds.")
        for target in rows {
            guard let seconds = target.lastScrapeDurationSeconds, seconds.isFinite else { continue }
            writer.sample(targetScrapeDuration, labels: [("job", target.job), ("instance", target.instance)], value: seconds)
        }
    }
}
