import SoakModel

/// Counts what an exposition holds, per metric type, and notes the naming problems
/// `promtool check metrics` would point out. It is the visitor behind `soak lint`.
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

    public private(set) var countsByType: [MetricType: Counts] = [:]
    public private(set) var hints: [Hint] = []
    private var seriesSeen = Set<SeenSeries>()
    private var scratch: [UInt8] = []

    public init() {}

    /// The sum over all types.
    public var total: Counts {
        countsByType.values.reduce(into: Counts()) {
            $0.families += $1.families
            $0.series += $1.series
            $0.samples += $1.samples
        }
    }

    public mutating func visit(family: FamilyView) {
        countsByType[family.type, default: Counts()].families += 1
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
        countsByType[sample.familyType, default: Counts()].samples += 1
        // A series is the name plus its label set, in any order.
        let labels = sample.labels
        var pairs: [[UInt8]] = []
        pairs.reserveCapacity(labels.count)
        for i in 0..<labels.count {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: labels.nameBytes(at: i))
            scratch.append(0)
            scratch.append(contentsOf: labels.rawValueBytes(at: i))
            pairs.append(scratch)
        }
        pairs.sort { $0.lexicographicallyPrecedes($1) }
        if seriesSeen.insert(SeenSeries(name: Array(sample.nameBytes), labels: pairs)).inserted {
            countsByType[sample.familyType, default: Counts()].series += 1
        }
    }

    /// A series as the summary counts it: raw name and sorted raw label pairs (no copy to `SeriesKey`).
    private struct SeenSeries: Hashable {
        var name: [UInt8]
        var labels: [[UInt8]]
    }
}
