import SoakModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OpenMetrics checks that span lines: names that clash between families, series of one
/// MetricPoint group kept together, timestamps that never go back within a group, and histogram
/// consistency (ordered buckets, cumulative counts, `+Inf` bucket, `_count`/`_sum` pairing).
///
/// Text 0.0.4 has none of these rules; the parser applies them only to OpenMetrics input.
struct OpenMetricsRules {
    /// Hashes of every family name and every sample name a declared type gives it.
    var usedNames = Set<UInt64>()
    /// Hashes of the label groups already finished in the current family.
    var seenGroups = Set<UInt64>()
    var hasGroup = false
    var groupHash: UInt64 = 0
    var groupHasTimestamp = false
    var groupTimestampSeconds = 0.0
    var groupLine = 0
    var point = HistogramPoint()

    mutating func startFamily(_ name: Range<Int>, run: borrowing ParseRun, at offset: Int) throws(ExpositionError) {
        guard usedNames.insert(NameHash.of(run.p, name)).inserted else {
            throw run.error(at: offset, "metric family \"\(run.text(name.lowerBound, name.upperBound))\" appears twice or clashes with another family's sample name")
        }
        seenGroups.removeAll(keepingCapacity: true)
        hasGroup = false
        point = HistogramPoint()
    }

    /// Reserves the sample names `type` gives the family, so another family cannot use them.
    mutating func declareType(_ type: MetricType, familyName name: Range<Int>, run: borrowing ParseRun,
                              at offset: Int) throws(ExpositionError) {
        let base = NameHash.of(run.p, name)
        for suffix in type.sampleSuffixes {
            var h = base
            for byte in suffix.utf8 {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01B3
            }
            guard usedNames.insert(h).inserted else {
                throw run.error(at: offset, "type \(type.rawValue) gives \"\(run.text(name.lowerBound, name.upperBound))\" the sample name \"\(run.text(name.lowerBound, name.upperBound))\(suffix)\", which another family already uses")
            }
        }
    }

    /// A unit must end the family name (`_seconds` for `seconds`) and is not allowed on info and stateset.
    func checkUnit(_ family: FamilyState, run: borrowing ParseRun, at offset: Int) throws(ExpositionError) {
        guard let unit = family.unitRange else { return }
        if family.type == .info || family.type == .stateset {
            throw run.error(at: offset, "\(family.type.rawValue) metrics cannot have a unit")
        }
        guard !unit.isEmpty else { return }
        let name = family.nameRange
        let suffixLength = unit.count + 1
        let suffixStart = name.upperBound - suffixLength
        guard name.count > suffixLength, run.p[suffixStart] == ASCII.underscore,
              run.equalBytes(suffixStart + 1 ..< name.upperBound, unit.lowerBound, unit.upperBound)
        else {
            throw run.error(at: offset, "unit \"\(run.text(unit.lowerBound, unit.upperBound))\" must be the suffix of the metric name \"\(run.text(name.lowerBound, name.upperBound))\"")
        }
    }

    mutating func checkSample(_ s: SampleFacts, family: FamilyState, labels: [LabelSpan],
                              run: borrowing ParseRun) throws(ExpositionError) {
        let type = family.type
        var excludedLabel: StaticString? = nil
        var le = 0.0
        switch (type, s.role) {
        case (.counter, .total):
            try requireNonNegative(s, "counter", run)
        case (.histogram, .bucket), (.gaugehistogram, .bucket):
            le = try boundLabel("le", labels, s, run)
            excludedLabel = "le"
            try requireNonNegative(s, "histogram bucket", run)
        case (.histogram, .count), (.gaugehistogram, .gcount), (.summary, .count):
            try requireNonNegative(s, "count", run)
        case (.histogram, .sum), (.summary, .sum):
            try requireNonNegative(s, "sum", run)
        case (.gaugehistogram, .gsum):
            if s.value.isNaN { throw run.error(at: s.nameStart, "_gsum must not be NaN") }
        case (.summary, .value):
            let q = try boundLabel("quantile", labels, s, run)
            excludedLabel = "quantile"
            guard q >= 0, q <= 1 else {
                throw run.error(at: s.nameStart, "quantile \(q) is outside [0, 1]")
            }
            if s.value < 0 { throw run.error(at: s.nameStart, "summary quantile values must not be negative") }
        case (.stateset, _):
            guard labels.contains(where: { run.equalBytes(family.nameRange, Int($0.nameStart), Int($0.nameEnd)) }) else {
                throw run.error(at: s.nameStart, "stateset sample needs a label named \"\(run.text(family.nameRange.lowerBound, family.nameRange.upperBound))\"")
            }
            guard s.value == 0 || s.value == 1 else {
                throw run.error(at: s.nameStart, "stateset values must be 0 or 1")
            }
        case (.info, _):
            guard s.value == 1 else { throw run.error(at: s.nameStart, "info metrics must have the value 1") }
        default:
            break
        }
        if s.hasExemplar {
            let allowed = (type == .counter && s.role == .total)
                || ((type == .histogram || type == .gaugehistogram) && s.role == .bucket)
            guard allowed else {
                throw run.error(at: s.nameStart, "exemplars are allowed only on counter _total and histogram _bucket samples")
            }
        }
        try group(s, type: type, family: family, labels: labels, excluding: excludedLabel, run: run)
        if type == .histogram || type == .gaugehistogram {
            try point.add(s, le: le, run: run)
        }
    }

    /// Tracks the MetricPoint group (labels without `le`/`quantile`/the stateset label) and its timestamps.
    private mutating func group(_ s: SampleFacts, type: MetricType, family: FamilyState, labels: [LabelSpan],
                                excluding excluded: StaticString?, run: borrowing ParseRun) throws(ExpositionError) {
        var g: UInt64 = 0
        if type != .info {
            for span in labels {
                if let excluded, run.spanName(span, is: excluded) { continue }
                if type == .stateset, run.equalBytes(family.nameRange, Int(span.nameStart), Int(span.nameEnd)) { continue }
                let h = NameHash.of(run.p, Int(span.nameStart) ..< Int(span.nameEnd))
                g = g &+ NameHash.mix(NameHash.of(run.p, Int(span.valueStart) ..< Int(span.valueEnd), seed: h ^ 0x3D))
            }
        }
        if !hasGroup || g != groupHash {
            if hasGroup { try finishGroup(family, run: run) }
            guard seenGroups.insert(g).inserted else {
                throw run.error(at: s.nameStart, "samples of one label set must be contiguous: this one's group appeared earlier in the family")
            }
            hasGroup = true
            groupHash = g
            groupHasTimestamp = s.hasTimestamp
            groupTimestampSeconds = s.timestampSeconds
            point = HistogramPoint()
        } else {
            guard s.hasTimestamp == groupHasTimestamp else {
                throw run.error(at: s.nameStart, "samples of one group mix lines with and without timestamps")
            }
            if s.hasTimestamp {
                if s.timestampSeconds < groupTimestampSeconds && type != .info {
                    throw run.error(at: s.nameStart, "timestamp goes backwards within a group")
                }
                if s.timestampSeconds != groupTimestampSeconds, type == .histogram || type == .gaugehistogram {
                    try point.check(type: type, run: run, line: groupLine)
                    point = HistogramPoint()
                }
                groupTimestampSeconds = s.timestampSeconds
            }
        }
        groupLine = run.line
    }

    /// Ends the current group: a histogram's point must be complete.
    mutating func finishGroup(_ family: FamilyState, run: borrowing ParseRun) throws(ExpositionError) {
        if hasGroup, family.type == .histogram || family.type == .gaugehistogram {
            try point.check(type: family.type, run: run, line: groupLine)
        }
        hasGroup = false
        point = HistogramPoint()
    }

    private func requireNonNegative(_ s: SampleFacts, _ what: String, _ run: borrowing ParseRun) throws(ExpositionError) {
        if s.value.isNaN || s.value < 0 {
            throw run.error(at: s.nameStart, "\(what) value must be a non-negative number, found \(s.value)")
        }
    }

    /// The numeric value of `le` or `quantile`: required, a number, and spelled `+Inf` when infinite.
    private func boundLabel(_ name: StaticString, _ labels: [LabelSpan], _ s: SampleFacts,
                            _ run: borrowing ParseRun) throws(ExpositionError) -> Double {
        guard let span = labels.first(where: { run.spanName($0, is: name) }) else {
            throw run.error(at: s.nameStart, "missing the \"\(name)\" label")
        }
        let start = Int(span.valueStart), end = Int(span.valueEnd)
        guard let bound = FloatParsing.parse(run.p, start, end), !bound.isNaN else {
            throw run.error(at: start, "expected a number as the value of label \"\(name)\", found \"\(run.text(start, end))\"")
        }
        if bound.isInfinite, !(bound > 0 && end - start == 4 && run.matches(start, "+Inf")) {
            throw run.error(at: start, "an infinite \"\(name)\" must be written \"+Inf\"")
        }
        return bound
    }
}

/// One histogram MetricPoint (a group at one timestamp) while its samples arrive.
struct HistogramPoint {
    var hasContent = false
    var lastBound: Double?
    var lastBucketValue = 0.0
    var count: Double?
    var hasSum = false
    var hasGsum = false
    var hasNegativeBuckets = false
    var hasNegativeGsum = false

    mutating func add(_ s: SampleFacts, le: Double, run: borrowing ParseRun) throws(ExpositionError) {
        switch s.role {
        case .bucket:
            if let lastBound, le <= lastBound {
                throw run.error(at: s.nameStart, "histogram buckets must be in increasing order of \"le\"")
            }
            if s.value < lastBucketValue {
                throw run.error(at: s.nameStart, "histogram bucket counts must be cumulative: \(s.value) after \(lastBucketValue)")
            }
            if le < 0 { hasNegativeBuckets = true }
            lastBound = le
            lastBucketValue = s.value
        case .count, .gcount:
            count = s.value
        case .sum:
            hasSum = true
        case .gsum:
            hasGsum = true
            if s.value < 0 { hasNegativeGsum = true }
        default:
            return
        }
        hasContent = true
    }

    func check(type: MetricType, run: borrowing ParseRun, line: Int) throws(ExpositionError) {
        guard hasContent else { return }
        let prefix = type == .gaugehistogram ? "g" : ""
        func fail(_ reason: String) -> ExpositionError {
            ExpositionError(line: line, column: 1, reason: reason)
        }
        guard lastBound == .infinity else { throw fail("histogram has no le=\"+Inf\" bucket") }
        if let count, count != lastBucketValue {
            throw fail("_\(prefix)count \(count) does not match the +Inf bucket \(lastBucketValue)")
        }
        if hasSum && count == nil { throw fail("_sum without _count") }
        if hasGsum && count == nil { throw fail("_gsum without _gcount") }
        if !(hasSum || hasGsum) && count != nil { throw fail("_\(prefix)count without _\(prefix)sum") }
        if hasNegativeBuckets && hasSum { throw fail("a histogram with negative buckets cannot have _sum") }
        if !hasNegativeBuckets && hasNegativeGsum { throw fail("negative _gsum without negative buckets") }
    }
}

extension MetricType {
    /// The sample-name suffixes OpenMetrics gives a family of this type.
    var sampleSuffixes: [String] {
        switch self {
        case .counter: ["_total", "_created"]
        case .histogram: ["_bucket", "_count", "_sum", "_created"]
        case .gaugehistogram: ["_bucket", "_gcount", "_gsum"]
        case .summary: ["_count", "_sum", "_created"]
        case .info: ["_info"]
        case .gauge, .stateset, .unknown: []
        }
    }
}

extension ASCII {
    static let underscore: UInt8 = 0x5F
}
