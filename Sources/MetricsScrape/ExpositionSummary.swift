import SoakModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts what an exposition holds, per metric type, and notes the naming problems
/// `promtool check metrics` would point out. It is the visitor behind `soak lint`.
///
/// Per sample it does no allocation: counts live in an array indexed by type, and a series is
/// recognised by a 128-bit fingerprint of its name and label set in canonical (name-sorted)
/// order (`SeriesFingerprintSet`), so memory grows with the number of distinct series — 16–32
/// bytes each — not with the size of the input.
public struct ExpositionSummary: ExpositionVisitor {
    /// Counts for one metric type.
    public struct Counts: Sendable, Hashable {
        public var families = 0
        public var series = 0
        public var samples = 0
    }

    /// A best-practice hint about one family (not an error: the exposition is valid).
    public struct Hint: Sendable, Hashable, CustomStringConvertible {
        public var family: String
        public var message: String
        public var description: String { "\(family): \(message)" }
    }

    /// Counts per type, for the types that occurred.
    public var countsByType: [MetricType: Counts] {
        var out: [MetricType: Counts] = [:]
        for (index, type) in MetricType.allCases.enumerated() where counts[index] != Counts() { out[type] = counts[index] }
        return out
    }

    public private(set) var hints: [Hint] = []
    /// Samples that repeat a series already exposed, without a timestamp or with the same one
    /// (an exposition holds one value per series; Prometheus rejects the scrape), with the
    /// line of the repeat and of the first occurrence. `soak lint` reports each as an error.
    public private(set) var duplicates: [(line: Int, firstLine: Int, metric: String)] = []
    /// Indexed by the type's position in `MetricType.allCases`.
    private var counts = [Counts](repeating: Counts(), count: MetricType.allCases.count)
    /// Each series' fingerprint with its first line and latest timestamp.
    private var seriesSeen = SeriesFingerprintSet()
    /// Label positions in canonical order (reused from sample to sample).
    private var order: [Int] = []

    public init() {}

    /// The sum over all types.
    public var total: Counts {
        counts.reduce(into: Counts()) {
            $0.families += $1.families
            $0.series += $1.series
            $0.samples += $1.samples
        }
    }

    public mutating func visit(family: FamilyView) {
        counts[Self.slot(family.type)].families += 1
        let name = family.name
        if family.help == nil { hints.append(Hint(family: name, message: "no HELP text")) }
        if family.type == .counter, !name.hasSuffix("_total") {
            hints.append(Hint(family: name, message: "counter names should end in \"_total\""))
        }
        if family.type != .counter, name.hasSuffix("_total") {
            hints.append(Hint(family: name, message: "non-counter names should not end in \"_total\""))
        }
        for unit in ["milliseconds", "microseconds", "nanoseconds", "kilobytes", "megabytes", "gigabytes", "minutes", "hours", "days"]
        where name.contains("_\(unit)") {
            hints.append(Hint(family: name, message: "use base units (seconds, bytes), not \(unit)"))
        }
    }

    public mutating func visit(sample: SampleView) {
        let slot = Self.slot(sample.familyType)
        counts[slot].samples += 1
        // A series is the name plus its label set, in any order.
        let labels = sample.labels
        var fingerprint = SeriesFingerprinter()
        fingerprint.add(sample.nameBytes)
        if labels.count > 0 {
            // Expositions list labels sorted almost always: one pass checks, insertion sort otherwise.
            var sorted = true
            for index in 1..<max(1, labels.count) where Self.precedes(labels.nameBytes(at: index), labels.nameBytes(at: index - 1)) {
                sorted = false
                break
            }
            if sorted {
                for index in 0..<labels.count {
                    fingerprint.add(labels.nameBytes(at: index))
                    fingerprint.add(labels.rawValueBytes(at: index))
                }
            } else {
                order.removeAll(keepingCapacity: true)
                for index in 0..<labels.count { order.append(index) }
                for i in 1..<order.count {
                    var j = i
                    while j > 0, Self.precedes(labels.nameBytes(at: order[j]), labels.nameBytes(at: order[j - 1])) {
                        order.swapAt(j, j - 1)
                        j -= 1
                    }
                }
                for index in order {
                    fingerprint.add(labels.nameBytes(at: index))
                    fingerprint.add(labels.rawValueBytes(at: index))
                }
            }
        }
        if let earlier = seriesSeen.record(fingerprint.finish(), line: sample.line, timestampMs: sample.timestampMs) {
            // OpenMetrics allows a series again with a later timestamp (a backfill's history).
            if sample.timestampMs == nil || sample.timestampMs == earlier.timestampMs {
                duplicates.append((sample.line, earlier.firstLine, String(decoding: sample.nameBytes, as: UTF8.self)))
            }
        } else {
            counts[slot].series += 1
        }
    }

    /// Byte-wise order of label names (unique within a set, so the order is total).
    @inline(__always)
    private static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        // Names in a set mostly differ at the first byte: decide there without calling memcmp.
        if common > 0 && a[0] != b[0] { return a[0] < b[0] }
        if common > 1 {
            let order = memcmp(a.baseAddress! + 1, b.baseAddress! + 1, common - 1)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    @inline(__always)
    private static func slot(_ type: MetricType) -> Int {
        switch type {
        case .counter: 0
        case .gauge: 1
        case .histogram: 2
        case .gaugehistogram: 3
        case .summary: 4
        case .info: 5
        case .stateset: 6
        case .unknown: 7
        }
    }
}
