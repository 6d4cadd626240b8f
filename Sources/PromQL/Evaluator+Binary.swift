#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Evaluator {
    /// A binary operation between evaluated operands (Prometheus' scalar, vector-scalar and
    /// vector-vector cases, with `bool`, `on`/`ignoring`, `group_left`/`group_right`).
    func binary(_ op: BinaryOperator, _ left: Value, _ right: Value, matching: VectorMatching?,
                returnBool: Bool) throws(PromQLError) -> Value {
        switch (left, right) {
        case (.scalar(let l), .scalar(let r)):
            let (value, keep) = Self.apply(op, l, r)
            return .scalar(returnBool ? (keep ? 1 : 0) : value)
        case (.vector(let samples), .scalar(let r)):
            return .vector(Self.vectorScalar(op, samples, r, scalarOnLeft: false, returnBool: returnBool))
        case (.scalar(let l), .vector(let samples)):
            return .vector(Self.vectorScalar(op, samples, l, scalarOnLeft: true, returnBool: returnBool))
        case (.vector(let lhs), .vector(let rhs)):
            let matching = matching ?? VectorMatching()
            switch op {
            case .and: return .vector(Self.setAnd(lhs, rhs, matching))
            case .or: return .vector(Self.setOr(lhs, rhs, matching))
            case .unless: return .vector(Self.setUnless(lhs, rhs, matching))
            default: return .vector(try Self.vectorVector(op, lhs, rhs, matching, returnBool: returnBool))
            }
        default:
            throw PromQLError(.execution, "binary operation on unsupported operand types")
        }
    }

    /// Prometheus' `vectorElemBinop`: the value and, for comparisons, whether the pair is kept
    /// (a filtering comparison keeps the left value).
    static func apply(_ op: BinaryOperator, _ l: Double, _ r: Double) -> (Double, Bool) {
        switch op {
        case .add: (l + r, true)
        case .sub: (l - r, true)
        case .mul: (l * r, true)
        case .div: (l / r, true)
        case .pow: (pow(l, r), true)
        case .mod: (fmod(l, r), true)
        case .eql: (l, l == r)
        case .neq: (l, l != r)
        case .gtr: (l, l > r)
        case .lss: (l, l < r)
        case .gte: (l, l >= r)
        case .lte: (l, l <= r)
        case .and, .or, .unless: (.nan, false)
        }
    }

    private static func vectorScalar(_ op: BinaryOperator, _ samples: [InstantSample], _ scalar: Double,
                                     scalarOnLeft: Bool, returnBool: Bool) -> [InstantSample] {
        var out: [InstantSample] = []
        out.reserveCapacity(samples.count)
        for sample in samples {
            let (l, r) = scalarOnLeft ? (scalar, sample.value) : (sample.value, scalar)
            var (value, keep) = apply(op, l, r)
            // A filtering comparison keeps the vector's value even when the scalar is on the left.
            if op.isComparison && scalarOnLeft { value = r }
            if returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            let labels = op.dropsMetricName || returnBool ? sample.labels.droppingMetricName() : sample.labels
            out.append(InstantSample(labels, value))
        }
        return out
    }

    /// The labels two samples are matched on.
    static func signature(_ labels: Labels, _ matching: VectorMatching) -> Labels {
        if matching.on { return labels.keeping(Set(matching.labels)) }
        return labels.removing(Set(matching.labels + [Labels.metricName]))
    }

    private static func setAnd(_ lhs: [InstantSample], _ rhs: [InstantSample], _ matching: VectorMatching) -> [InstantSample] {
        let right = Set(rhs.map { signature($0.labels, matching) })
        return lhs.filter { right.contains(signature($0.labels, matching)) }
    }

    private static func setOr(_ lhs: [InstantSample], _ rhs: [InstantSample], _ matching: VectorMatching) -> [InstantSample] {
        let left = Set(lhs.map { signature($0.labels, matching) })
        return lhs + rhs.filter { !left.contains(signature($0.labels, matching)) }
    }

    private static func setUnless(_ lhs: [InstantSample], _ rhs: [InstantSample], _ matching: VectorMatching) -> [InstantSample] {
        let right = Set(rhs.map { signature($0.labels, matching) })
        return lhs.filter { !right.contains(signature($0.labels, matching)) }
    }

    /// Arithmetic and comparison between two vectors (Prometheus' `VectorBinop`).
    private static func vectorVector(_ op: BinaryOperator, _ lhsIn: [InstantSample], _ rhsIn: [InstantSample],
                                     _ matching: VectorMatching, returnBool: Bool) throws(PromQLError) -> [InstantSample] {
        if lhsIn.isEmpty || rhsIn.isEmpty { return [] }
        // For group_right the right side is the "many" side: swap so the "one" side is always `rhs`.
        let swapped = matching.cardinality == .oneToMany
        let (lhs, rhs) = swapped ? (rhsIn, lhsIn) : (lhsIn, rhsIn)

        var oneSide: [Labels: InstantSample] = [:]
        for sample in rhs {
            let sig = signature(sample.labels, matching)
            if let duplicate = oneSide[sig] {
                let side = swapped ? "left" : "right"
                let group = signature(sample.labels, matching)
                throw PromQLError(.execution, "found duplicate series for the match group \(group) on the \(side) hand-side of the operation: [\(sample.labels), \(duplicate.labels)];many-to-many matching not allowed: matching labels must be unique on one side")
            }
            oneSide[sig] = sample
        }

        var matchedOneToOne = Set<Labels>()
        var inserted: [Labels: Set<Labels>] = [:]
        var out: [InstantSample] = []
        for sample in lhs {
            let sig = signature(sample.labels, matching)
            guard let match = oneSide[sig] else { continue }
            let (vl, vr) = swapped ? (match.value, sample.value) : (sample.value, match.value)
            var (value, keep) = apply(op, vl, vr)
            if returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            var labels = resultLabels(sample.labels, match.labels, op, matching)
            if returnBool { labels = labels.droppingMetricName() }
            if matching.cardinality == .oneToOne {
                if !matchedOneToOne.insert(sig).inserted {
                    throw PromQLError(.execution, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
            } else if !inserted[sig, default: []].insert(labels).inserted {
                throw PromQLError(.execution, "multiple matches for labels: grouping labels must ensure unique matches")
            }
            out.append(InstantSample(labels, value))
        }
        return out
    }

    /// Prometheus' `resultMetric`: the many side's labels, trimmed for one-to-one matching, plus
    /// the `group_x(...)` labels taken from the one side.
    private static func resultLabels(_ lhs: Labels, _ rhs: Labels, _ op: BinaryOperator, _ matching: VectorMatching) -> Labels {
        var labels = op.dropsMetricName ? lhs.droppingMetricName() : lhs
        if matching.cardinality == .oneToOne {
            labels = matching.on ? labels.keeping(Set(matching.labels)) : labels.removing(Set(matching.labels))
        }
        for name in matching.include {
            labels = labels.setting(name, rhs[name])
        }
        return labels
    }
}
