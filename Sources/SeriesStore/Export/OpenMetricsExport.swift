import SoakModel

/// Writes stored samples as an OpenMetrics 1.0 text exposition with timestamps: the backfill
/// format `promtool tsdb create-blocks-from openmetrics` reads, and `soak import` reads back.
///
/// Layout: families in name order, each with its `# TYPE`/`# UNIT`/`# HELP` lines when the store
/// knows them; inside a family one label group (labels without `le`/`quantile`) after another,
/// contiguous as OpenMetrics requires; inside a group the samples by timestamp, and at one
/// timestamp the group's series in MetricPoint order (buckets by `le`, then `_count`, `_sum`,
/// `_created`), so histograms stay valid points. A group holding a single series is simply that
/// series' samples in time order. Ends with `# EOF`.
///
/// Values are Swift's shortest round-trip decimal (`Double.description`), so every finite value
/// and ±Inf (`+Inf`/`-Inf`) reads back bit-exactly. NaN is written `NaN`: text cannot carry a NaN
/// payload, so any NaN other than the parser's reads back as the parser's NaN bits. Prometheus'
/// stale marker (NaN 0x7ff0000000000002) is a storage-internal "series ended", not a sample, and
/// is not exported. Timestamps are seconds with exactly the stored milliseconds (`1700000000.123`).
public struct OpenMetricsExport {
    /// Samples not written because they were stale markers.
    public private(set) var staleMarkersSkipped = 0
    /// Samples written.
    public private(set) var samplesWritten = 0
    /// Families written without `# TYPE` because some value does not suit the type.
    public private(set) var familiesWithoutMetadata: [String] = []

    private let store: SeriesStore

    public init(store: SeriesStore) {
        self.store = store
    }

    /// Writes every matching series, handing out text in blocks of about 1 MiB.
    public mutating func write(matching selector: SeriesSelector, to sink: ([UInt8]) -> Void) throws(StoreError) {
        let families = store.metricFamilies
        var byFamily: [String: [SeriesRef]] = [:]
        for ref in store.series(matching: selector) {
            byFamily[familyName(of: ref.key.metric, families: families), default: []].append(ref)
        }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        for name in byFamily.keys.sorted() {
            var metadata: [UInt8] = []
            if let family = families[name], try valuesFit(family, byFamily[name]!) {
                metadata += Array("# TYPE \(name) \(family.type)\n".utf8)
                if let unit = family.unit, !unit.isEmpty { metadata += Array("# UNIT \(name) \(unit)\n".utf8) }
                if let help = family.help { metadata += Array("# HELP \(name) \(QuotedText.escaped(help))\n".utf8) }
            }
            var groups: [String: [SeriesRef]] = [:]
            for ref in byFamily[name]! {
                groups[groupKey(ref.key, family: families[name]), default: []].append(ref)
            }
            var wroteMetadata = false
            for group in groups.keys.sorted() {
                let members = groups[group]!.sorted { pointOrder($0.key) < pointOrder($1.key) }
                var series = try members.map { (ref) throws(StoreError) in try store.samples(of: ref.id) }
                if !wroteMetadata && series.contains(where: { $0.count > 0 }) {
                    out += metadata
                    wroteMetadata = true
                }
                writeGroup(&series, into: &out, sink: sink)
            }
        }
        out += Array("# EOF\n".utf8)
        sink(out)
    }

    /// Whether every sample suits the family's declared type. OpenMetrics requires counters,
    /// histogram and summary counts and sums to be non-negative numbers; a store fed by the lax
    /// text format can hold others (a counter that went negative), and a `# TYPE` line would then
    /// make the whole file unreadable. Such a family is written without metadata instead, each
    /// sample name becoming an untyped family of its own. (Histogram bucket consistency is not
    /// re-checked: scraped histograms are consistent.) Reads the family once more.
    private mutating func valuesFit(_ family: StoredMetricFamily, _ refs: [SeriesRef]) throws(StoreError) -> Bool {
        guard ["counter", "histogram", "gaugehistogram", "summary"].contains(family.type) else { return true }
        for ref in refs where !(family.type == "summary" && ref.key.metric == family.name) {
            let samples = try store.samples(of: ref.id)
            if samples.values.contains(where: { ($0.isNaN && $0.bitPattern != 0x7ff0_0000_0000_0002) || $0 < 0 }) {
                familiesWithoutMetadata.append(family.name)
                return false
            }
        }
        return true
    }

    /// Interleaves a group's series by timestamp (a k-way merge; k is 1 for plain series).
    private mutating func writeGroup(_ series: inout [SeriesSamples], into out: inout [UInt8], sink: ([UInt8]) -> Void) {
        let prefixes = series.map { Array(($0.series.key.description + " ").utf8) }
        var cursors = [Int](repeating: 0, count: series.count)
        while true {
            var next = Int64.max
            var any = false
            for index in series.indices where cursors[index] < series[index].count {
                next = min(next, series[index].timestampsMs[cursors[index]])
                any = true
            }
            if !any { return }
            for index in series.indices where cursors[index] < series[index].count
                && series[index].timestampsMs[cursors[index]] == next {
                let value = series[index].values[cursors[index]]
                cursors[index] += 1
                if value.bitPattern == 0x7ff0_0000_0000_0002 {
                    staleMarkersSkipped += 1
                    continue
                }
                out += prefixes[index]
                Self.appendValue(value, to: &out)
                out.append(0x20)
                Self.appendSeconds(next, to: &out)
                out.append(0x0A)
                samplesWritten += 1
            }
            if out.count > (1 << 20) - 4096 {
                sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The family a sample name belongs to: a known family whose type gives it that name, else itself.
    private func familyName(of metric: String, families: [String: StoredMetricFamily]) -> String {
        if families[metric] != nil { return metric }
        for (suffix, types) in Self.suffixes where metric.hasSuffix(suffix) {
            let base = String(metric.dropLast(suffix.count))
            if let family = families[base], types.contains(family.type) { return base }
        }
        return metric
    }

    private static let suffixes: [(String, Set<String>)] = [
        ("_total", ["counter"]), ("_created", ["counter", "histogram", "summary"]),
        ("_bucket", ["histogram", "gaugehistogram"]), ("_count", ["histogram", "summary"]),
        ("_sum", ["histogram", "summary"]), ("_gcount", ["gaugehistogram"]), ("_gsum", ["gaugehistogram"]),
        ("_info", ["info"]),
    ]

    /// The MetricPoint group as the OpenMetrics parser forms it: the labels without a histogram's
    /// `le`, a summary's `quantile` or a stateset's state label; one group for all of an info family.
    private func groupKey(_ key: SeriesKey, family: StoredMetricFamily?) -> String {
        let excluded: String
        switch family?.type {
        case "histogram", "gaugehistogram": excluded = "le"
        case "summary": excluded = "quantile"
        case "stateset": excluded = family!.name
        case "info": return ""
        default: excluded = ""
        }
        return LabelText.encode(key.labels.filter { $0.name != excluded })
    }

    /// Order inside a MetricPoint: buckets/quantiles by bound, then `_count`, `_sum`, `_created`.
    private func pointOrder(_ key: SeriesKey) -> (Int, Double, String) {
        let bound = Double(key.value(of: key.metric.hasSuffix("_bucket") ? "le" : "quantile").replacingPlusInf()) ?? 0
        let rank: Int
        if key.metric.hasSuffix("_count") || key.metric.hasSuffix("_gcount") { rank = 1 }
        else if key.metric.hasSuffix("_sum") || key.metric.hasSuffix("_gsum") { rank = 2 }
        else if key.metric.hasSuffix("_created") { rank = 3 }
        else { rank = 0 }
        return (rank, bound, key.description)
    }

    /// `NaN`, `+Inf`, `-Inf`, or the shortest decimal that parses back to the same bits.
    static func appendValue(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN { out += Array("NaN".utf8) }
        else if value == .infinity { out += Array("+Inf".utf8) }
        else if value == -.infinity { out += Array("-Inf".utf8) }
        else { out += Array(value.description.utf8) }
    }

    /// Milliseconds as decimal seconds with up to three fraction digits, exactly.
    static func appendSeconds(_ timestampMs: Int64, to out: inout [UInt8]) {
        if timestampMs < 0 { out.append(0x2D) }
        let magnitude = timestampMs.magnitude
        out += Array(String(magnitude / 1000).utf8)
        var fraction = Int(magnitude % 1000)
        guard fraction > 0 else { return }
        out.append(0x2E)
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        out += Array(repeating: 0x30, count: digits - text.count)
        out += Array(text.utf8)
    }
}

extension String {
    fileprivate func replacingPlusInf() -> String { self == "+Inf" ? "inf" : self }
}
