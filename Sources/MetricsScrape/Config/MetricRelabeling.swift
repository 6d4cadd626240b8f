import SoakModel

/// What happens to each scraped sample before it leaves the scraper: the name filter
/// (default keep-list), target labels attached, then `metric_relabel_configs` in order.
public struct MetricRelabeling: Sendable, Hashable {
    /// nil keeps every metric (`keep_all_metrics: true`).
    public var nameFilter: MetricNameFilter?
    public var rules: [RelabelRule]

    public init(nameFilter: MetricNameFilter? = nil, rules: [RelabelRule] = []) {
        self.nameFilter = nameFilter
        self.rules = rules
    }

    /// Attaches `targetLabels` to `sample` (an exposed label that collides is kept as
    /// `exported_<name>`, Prometheus' `honor_labels: false`) and runs the rules.
    /// Returns nil when a rule drops the sample.
    public func apply(to sample: Sample, targetLabels: [Label]) -> Sample? {
        var labels = sample.labels
        labels.reserveCapacity(labels.count + targetLabels.count)
        for target in targetLabels {
            if let index = labels.firstIndex(where: { $0.name == target.name }) {
                labels[index].name = "exported_" + target.name
            }
            labels.append(target)
        }
        guard !rules.isEmpty else {
            return Sample(name: sample.name, labels: labels, value: sample.value, timestampMs: sample.timestampMs)
        }
        var set = LabelSet(labels)
        set["__name__"] = sample.name
        for rule in rules where !rule.apply(to: &set) { return nil }
        guard let name = set["__name__"] else { return nil }
        set.removeAll { $0.name == "__name__" }
        return Sample(name: name, labels: set.labels, value: sample.value, timestampMs: sample.timestampMs)
    }
}
