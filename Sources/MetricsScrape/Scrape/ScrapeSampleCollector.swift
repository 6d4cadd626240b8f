import SoakModel

/// The scrape path's exposition visitor: counts every sample (`scrape_samples_scraped`) but
/// copies out only those whose name the job's ``MetricNameFilter`` keeps.
///
/// A kubelet's cAdvisor endpoint exposes tens of thousands of series of which leak detection
/// keeps a few hundred; deciding on the borrowed name bytes, before any `String` or label array
/// is made, is what keeps thousands of scrapes per second within one core. Consecutive samples
/// usually share a name (histogram buckets, per-label series), so the previous decision is
/// reused when the bytes are equal; otherwise the per-target ``MetricNameDecisions`` answers.
///
/// When `targetLabels` is given (the job has no `metric_relabel_configs`), each kept sample is
/// built with them attached in one label array, as ``MetricRelabeling/apply(to:targetLabels:)``
/// would, without a second copy.
struct ScrapeSampleCollector: ExpositionVisitor {
    let filter: MetricNameFilter?
    let targetLabels: [Label]?
    var decisions: MetricNameDecisions
    var samples: [Sample] = []
    var scraped = 0
    /// Exposition timestamps after this are dropped and counted (``ScrapeResult/samplesOutOfBounds``).
    var latestTimestampMs = Int64.max
    var outOfBounds = 0
    private var previousName: [UInt8] = []
    private var previous: MetricNameDecisions.Entry?

    init(filter: MetricNameFilter?, targetLabels: [Label]?, decisions: MetricNameDecisions) {
        self.filter = filter
        self.targetLabels = targetLabels
        self.decisions = decisions
    }

    mutating func visit(sample: SampleView) {
        scraped += 1
        let nameBytes = sample.nameBytes
        let entry: MetricNameDecisions.Entry
        if let previous, MetricNameDecisions.equal(previous.bytes, nameBytes) {
            entry = previous
        } else {
            entry = decisions.entry(for: nameBytes, filter: filter)
            previous = entry
        }
        guard entry.keep else { return }
        if let timestamp = sample.timestampMs, timestamp > latestTimestampMs {
            outOfBounds += 1
            return
        }

        let view = sample.labels
        var labels: [Label] = []
        labels.reserveCapacity(view.count + (targetLabels?.count ?? 0))
        for index in 0..<view.count { labels.append(Label(view.name(at: index), view.value(at: index))) }
        if let targetLabels {
            for target in targetLabels {
                // honor_labels: false — an exposed label that collides is kept as exported_<name>.
                if let index = labels.firstIndex(where: { $0.name == target.name }) {
                    labels[index].name = "exported_" + target.name
                }
                labels.append(target)
            }
        }
        samples.append(Sample(name: entry.name, labels: labels, value: sample.value, timestampMs: sample.timestampMs))
    }
}
