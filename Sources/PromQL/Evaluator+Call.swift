import SoakModel

extension Evaluator {
    /// Evaluates a function call at `ts`.
    mutating func call(_ function: Function, _ args: [Expr], at ts: Int64) throws(PromQLError) -> Value {
        switch function.name {
        case "time":
            return .scalar(Double(ts) / 1000)
        case "vector":
            return .vector([InstantSample(Labels(), try scalar(args[0], at: ts))])
        case "abs":
            return .vector(try vectorArgument(args[0], at: ts).map { InstantSample($0.labels.droppingMetricName(), Swift.abs($0.value)) })
        case "clamp_min", "clamp_max":
            let samples = try vectorArgument(args[0], at: ts)
            let bound = try scalar(args[1], at: ts)
            let clamp = function.name == "clamp_min" ? GoMath.max : GoMath.min
            return .vector(samples.map { InstantSample($0.labels.droppingMetricName(), clamp(bound, $0.value)) })
        case "histogram_quantile":
            let q = try scalar(args[0], at: ts)
            return .vector(Self.histogramQuantile(q, try vectorArgument(args[1], at: ts)))
        case "label_replace":
            return .vector(try labelReplace(args, at: ts))
        default:
            return .vector(try rangeFunction(function, args, at: ts))
        }
    }

    private mutating func vectorArgument(_ expr: Expr, at ts: Int64) throws(PromQLError) -> [InstantSample] {
        guard case .vector(let samples) = try eval(expr, at: ts) else {
            throw PromQLError(.execution, "expected an instant vector argument")
        }
        return samples
    }

    /// Functions of a range vector: one output sample per series with points in the range.
    private mutating func rangeFunction(_ function: Function, _ args: [Expr], at ts: Int64) throws(PromQLError) -> [InstantSample] {
        guard let matrixIndex = function.argumentTypes.firstIndex(of: .matrix),
              case .matrixSelector(let selector, let rangeMs) = args[matrixIndex].unwrapped else {
            throw PromQLError(.execution, "function \(function.name) needs a range vector selector")
        }
        var scalarArgument = 0.0
        if let scalarIndex = function.argumentTypes.firstIndex(of: .scalar) {
            scalarArgument = try scalar(args[scalarIndex], at: ts)
        }
        guard case .matrix(let matrix) = try eval(args[matrixIndex].unwrapped, at: ts) else {
            throw PromQLError(.execution, "expected a range vector")
        }
        let rangeEnd = ts - selector.offsetMs
        let window = RangeWindow(startMs: rangeEnd - rangeMs, endMs: rangeEnd, evaluationMs: ts)
        var out: [InstantSample] = []
        for series in matrix {
            guard let value = RangeFunctions.evaluate(function.name, series.points, window: window,
                                                      argument: scalarArgument) else { continue }
            let labels = function.name == "last_over_time" ? series.labels : series.labels.droppingMetricName()
            out.append(InstantSample(labels, value))
        }
        return out
    }

    /// `histogram_quantile(q, buckets)`: groups `le` buckets by their other labels (name included,
    /// as Prometheus does) and interpolates; samples without a parseable `le` are skipped.
    static func histogramQuantile(_ q: Double, _ samples: [InstantSample]) -> [InstantSample] {
        var groups: [Labels: Int] = [:]
        var ordered: [(labels: Labels, buckets: [Quantiles.Bucket])] = []
        for sample in samples {
            guard let upperBound = GoMath.parseFloat(sample.labels["le"]) else { continue }
            let key = sample.labels.removing(["le"])
            if let index = groups[key] {
                ordered[index].buckets.append(.init(upperBound: upperBound, count: sample.value))
            } else {
                groups[key] = ordered.count
                ordered.append((key.droppingMetricName(), [.init(upperBound: upperBound, count: sample.value)]))
            }
        }
        return ordered.map { InstantSample($0.labels, Quantiles.bucketQuantile(q, $0.buckets)) }
    }

    /// `label_replace(v, dst, replacement, src, regex)`: sets `dst` to the expanded replacement
    /// where the fully anchored regex matches `src`'s value; other samples pass unchanged.
    private mutating func labelReplace(_ args: [Expr], at ts: Int64) throws(PromQLError) -> [InstantSample] {
        guard case .string(let destination) = args[1].unwrapped, case .string(let replacement) = args[2].unwrapped,
              case .string(let source) = args[3].unwrapped, case .string(let pattern) = args[4].unwrapped else {
            throw PromQLError(.badData, "label_replace() needs string literals as arguments 2 to 5")
        }
        let regex: AnchoredRegex
        do {
            regex = try AnchoredRegex(pattern)
        } catch {
            throw PromQLError(.execution, "invalid regular expression in label_replace(): \(pattern)")
        }
        guard Labels.isValidName(destination) else {
            throw PromQLError(.execution, "invalid destination label name in label_replace(): \(destination)")
        }
        var out: [InstantSample] = []
        for sample in try vectorArgument(args[0], at: ts) {
            guard let match = regex.match(sample.labels[source]) else {
                out.append(sample)
                continue
            }
            let expanded = match.expand(replacement)
            out.append(InstantSample(sample.labels.setting(destination, expanded), sample.value))
        }
        return out
    }
}

/// Where a range function's window lies: `[startMs, endMs]`, evaluated at `evaluationMs`.
struct RangeWindow {
    var startMs: Int64
    var endMs: Int64
    var evaluationMs: Int64
    var rangeSeconds: Double { Double(endMs - startMs) / 1000 }
}
