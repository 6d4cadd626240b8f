import Prometheus

/// The body of `GET /metrics`: the swift-metrics registry (with HELP lines for SoakMonitor's
/// own metrics), the `process_*` family, and the `soak_leak_*` / `soak_target_*` gauges
/// rendered from the provider's snapshots at request time.
struct MetricsPage {
    /// The content type of the Prometheus text format 0.0.4.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    var registry: PrometheusCollectorRegistry?
    /// Reads the process figures; `nil` result (no `/proc`) leaves the family out.
    var processStatistics: @Sendable () -> ProcessStatistics?

    /// Renders the page.
    func render(findings: [FindingSnapshot], targets: [TargetSnapshot]) -> String {
        var text = registry.map { Self.addingHelp(to: $0.emitToString()) } ?? ""
        var writer = ExpositionTextWriter()
        if let statistics = processStatistics() {
            ProcessMetricFamilies.write(statistics, into: &writer)
        }
        LeakGaugeFamilies.write(findings: findings, into: &writer)
        LeakGaugeFamilies.write(targets: targets, into: &writer)
        text += writer.text
        return text
    }

    /// Inserts `# HELP` before each `# TYPE` line of a catalogued self-metric.
    ///
    /// Metrics made through swift-metrics carry no help text, and swift-prometheus traps if one
    /// family is registered twice with different help, so the registry cannot be primed with it;
    /// the catalog's text is added here instead.
    static func addingHelp(to exposition: String) -> String {
        let helpByName = Dictionary(uniqueKeysWithValues: SelfMetricDescriptor.catalog.map { ($0.name, $0.help) })
        var out = ""
        out.reserveCapacity(exposition.utf8.count + 1024)
        for line in exposition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst(7).prefix { $0 != " " }
                if let help = helpByName[String(name)] {
                    out += "# HELP \(name) \(help)\n"
                }
            }
            out += line
            out += "\n"
        }
        // split keeps the empty piece after the final newline; do not double it.
        if exposition.hasSuffix("\n") || exposition.isEmpty { out.removeLast() }
        return out
    }
}
