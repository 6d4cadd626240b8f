/// The scrape path's exposition visitor: counts every sample (`scrape_samples_scraped`) but
/// copies out only those whose name the job's ``MetricNameFilter`` keeps.
///
/// A kubelet's cAdvisor endpoint exposes tens of thousands of series of which leak detection
/// keeps a few hundred; deciding on the borrowed name bytes, before any `String` or label array
/// is made, is what keeps thousands of scrapes per second within one core. Consecutive samples
/// usually share a name (histogram buckets, per-label series), so the previous decision is
/// reused when the bytes are equal; otherwise the per-target ``MetricNameDecisions`` answers.
struct ScrapeSampleCollector: ExpositionVisitor {
    let filter: MetricNameFilter?
    var decisions: MetricNameDecisions
    var samples: [Sample] = []
    var scraped = 0
    private var previousName: [UInt8] = []
    private var previousDecision = false

    init(filter: MetricNameFilter?, decisions: MetricNameDecisions) {
        self.filter = filter
        self.decisions = decisions
    }

    mutating func visit(sample: SampleView) {
        scraped += 1
        guard let filter else {
            samples.append(sample.materialize())
            return
        }
        let nameBytes = sample.nameBytes
        let keep: Bool
        if MetricNameDecisions.equal(previousName, nameBytes) {
            keep = previousDecision
        } else {
            keep = decisions.keeps(nameBytes, filter: filter)
            previousName.removeAll(keepingCapacity: true)
            previousName.append(contentsOf: nameBytes)
            previousDecision = keep
        }
        if keep { samples.append(sample.materialize()) }
    }
}
