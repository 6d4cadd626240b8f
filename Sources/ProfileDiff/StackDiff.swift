/// The growth between two snapshots of one process: every call stack's value before and after
/// and the difference, ranked by growth — `go tool pprof -diff_base BEFORE AFTER` per stack.
public struct StackDiff: Sendable {
    /// One stack's change.
    public struct Entry: Sendable, Equatable {
        public let stack: CallStack
        /// The value in the baseline (0 when the stack was absent).
        public let before: Int64
        /// The value in the later snapshot (0 when the stack is gone).
        public let after: Int64
        /// `after - before`.
        public var delta: Int64 { after &- before }
    }

    public let kind: StackProfile.Kind
    /// The compared quantity (`inuse_space`/`bytes`, `goroutine`/`count`).
    public let sampleType: StackProfile.SampleType
    /// Every stack present in either snapshot with a non-zero value, ranked by delta (largest
    /// growth first); ties by the later value, then by frames for a stable order.
    public let entries: [Entry]
    /// Sum of all stacks' values in the baseline.
    public let totalBefore: Int64
    /// Sum of all stacks' values in the later snapshot.
    public let totalAfter: Int64

    /// Net growth over all stacks (what pprof -diff_base shows as the total).
    public var totalDelta: Int64 { totalAfter &- totalBefore }

    /// Diffs two snapshots for one sample type, named as pprof's `-sample_index` takes it
    /// (nil: the profile's default, `inuse_space` for a Go heap profile).
    public init(before: StackProfile, after: StackProfile, sampleIndex: String? = nil) throws(EvidenceDecodeError) {
        guard before.kind == after.kind else {
            throw EvidenceDecodeError(.mismatch, "cannot compare a \(before.kind.rawValue) profile with a \(after.kind.rawValue) profile")
        }
        let afterIndex = try after.sampleIndex(named: sampleIndex)
        let sampleType = after.sampleTypes[afterIndex]
        guard let beforeIndex = before.sampleTypes.firstIndex(of: sampleType) else {
            throw EvidenceDecodeError(.mismatch, "the baseline has no \(sampleType) values (it has \(before.sampleTypes.map(\.description).joined(separator: ", ")))")
        }
        var merged: [CallStack: (before: Int64, after: Int64)] = [:]
        var totalBefore: Int64 = 0, totalAfter: Int64 = 0
        for (stack, values) in before.values {
            merged[stack, default: (0, 0)].before &+= values[beforeIndex]
            totalBefore &+= values[beforeIndex]
        }
        for (stack, values) in after.values {
            merged[stack, default: (0, 0)].after &+= values[afterIndex]
            totalAfter &+= values[afterIndex]
        }
        self.kind = after.kind
        self.sampleType = sampleType
        self.totalBefore = totalBefore
        self.totalAfter = totalAfter
        self.entries = merged.compactMap { stack, pair in
            pair.before == 0 && pair.after == 0 ? nil : Entry(stack: stack, before: pair.before, after: pair.after)
        }.sorted { a, b in
            if a.delta != b.delta { return a.delta > b.delta }
            if a.after != b.after { return a.after > b.after }
            return a.stack.frames.lexicographicallyPrecedes(b.stack.frames)
        }
    }

    /// An entry's part of the net growth (0.42 = 42 %), nil when nothing grew in total.
    public func shareOfGrowth(_ entry: Entry) -> Double? {
        totalDelta > 0 ? Double(entry.delta) / Double(totalDelta) : nil
    }

    /// The stacks that grew, largest first, at most `limit`.
    public func topGrowth(_ limit: Int) -> ArraySlice<Entry> {
        entries.prefix { $0.delta > 0 }.prefix(limit)
    }

    /// Per leaf function (the first frame), the summed change: pprof `-top`'s `flat` column of a
    /// `-diff_base` comparison, ranked as pprof ranks it (by absolute flat value).
    public func flatByFunction() -> [(function: String, delta: Int64)] {
        var flat: [String: Int64] = [:]
        for entry in entries {
            flat[entry.stack.frames.first ?? "<empty stack>", default: 0] &+= entry.delta
        }
        return flat.filter { $0.value != 0 }.map { (function: $0.key, delta: $0.value) }.sorted {
            $0.delta.magnitude != $1.delta.magnitude ? $0.delta.magnitude > $1.delta.magnitude : $0.function < $1.function
        }
    }
}
