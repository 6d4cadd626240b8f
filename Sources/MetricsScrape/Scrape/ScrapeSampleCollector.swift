/// The scrape path's exposition visitor: counts every sample (`scrape_samples_scraped`) but
/// copies out only those whose name the job's ``MetricNameFilter`` keeps.
///
/// A kubelet's cAdvisor endpoint exposes tens of thousands of series of which leak detection
/// keeps a few hundred; deciding on the borrowed name bytes, before any `String` or label array
/// is made, is what keeps thousands of scrapes per second within one core. Consecutive samples
/// usually share a name (histogram buckets, per-label series), so the previous decision is
/// reused when the bytes are equal, and otherwise the per-target cache by name is consulted.
struct ScrapeSampleCollector: ExpositionVisitor {
    let filter: MetricNameFilter?
    var decisions: [String: Bool]
    var samples: [Sample] = []
    var scraped = 0
    private var previousName: [UInt8] = []
    private var previousDecision = false

    init(filter: MetricNameFilter?, decisions: [String: Bool]) {
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
        if nameBytes.elementsEqual(previousName) {
            keep = previousDecision
        } else {
            let name = String(decoding: nameBytes, as: UTF8.self)
            if let known = decisions[name] {
                keep = known
            } else {
                keep = filter.keeps(name)
                // Bound the cache: a target inventing names every scrape must not grow it forever.
                if decisions.count >= 100_000 { decisions.removeAll() }
                decisions[name] = keep
            }
            previousName.removeAll(keepingCapacity: true)
            previousName.append(contentsOf: nameBytes)
            previousDecision = keep
        }
        if keep { samples.append(sample.materialize()) }
    }
}
