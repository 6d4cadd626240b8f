/// What a heap profile or a goroutine dump says, reduced to what a diff needs: for every call
/// stack, one value per sample type.
public struct StackProfile: Sendable {
    /// Which kind of evidence this is; only profiles of one kind compare.
    public enum Kind: String, Sendable, Codable {
        /// A Go heap profile (`/debug/pprof/heap`): allocation stacks with objects and bytes.
        case heap
        /// A goroutine dump (`/debug/pprof/goroutine`, debug=0, 1 or 2): stacks with counts.
        case goroutine
    }

    /// One measured quantity, as pprof's `sample_type` names it (`inuse_space`/`bytes`,
    /// `goroutine`/`count`).
    public struct SampleType: Hashable, Sendable, CustomStringConvertible {
        public let type: String
        public let unit: String

        public init(type: String, unit: String) {
            self.type = type
            self.unit = unit
        }

        public var description: String { "\(type)/\(unit)" }
    }

    public let kind: Kind
    /// The quantities every stack has a value of, in order.
    public let sampleTypes: [SampleType]
    /// The sample type pprof shows when none is asked for (the profile's `default_sample_type`,
    /// else the last one, as pprof does).
    public let defaultSampleIndex: Int
    /// Values per stack, one per sample type; samples with the same stack are summed.
    public let values: [CallStack: [Int64]]

    public init(kind: Kind, sampleTypes: [SampleType], defaultSampleIndex: Int, values: [CallStack: [Int64]]) {
        self.kind = kind
        self.sampleTypes = sampleTypes
        self.defaultSampleIndex = defaultSampleIndex
        self.values = values
    }

    /// Resolves a `--sample-index` the way pprof does: a sample type name (`inuse_space`,
    /// `inuse_objects`, `alloc_space`, …), a 0-based index, or nil for the default.
    public func sampleIndex(named name: String?) throws(EvidenceDecodeError) -> Int {
        guard let name, !name.isEmpty else { return defaultSampleIndex }
        if let index = Int(name) {
            guard sampleTypes.indices.contains(index) else {
                throw EvidenceDecodeError(.sampleIndex, "sample index \(index) is out of range (the profile has \(sampleTypes.count): \(typeList))")
            }
            return index
        }
        // pprof also accepts the legacy `sample_index=1`-style and a name without the prefix.
        if let index = sampleTypes.firstIndex(where: { $0.type == name }) { return index }
        throw EvidenceDecodeError(.sampleIndex, "sample index \"\(name)\" is not in the profile (it has \(typeList))")
    }

    private var typeList: String { sampleTypes.map(\.type).joined(separator: ", ") }
}
