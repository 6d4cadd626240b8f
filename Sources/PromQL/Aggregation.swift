/// The aggregation operators over an instant vector, with Prometheus 2.42's arithmetic (running
/// mean for `avg`, NaN-aware `min`/`max`, heap-ordered `topk`/`bottomk`).
enum Aggregation {
    private struct Group {
        var labels: Labels
        var value: Double
        var mean: Double
        var count: Double
        var heap: [InstantSample]
    }

    static func apply(_ op: AggregationOperator, _ samples: [InstantSample], parameter: Double,
                      grouping: [String], without: Bool) throws(PromQLError) -> [InstantSample] {
        var k = 0
        if op == .topk || op == .bottomk {
            guard parameter.isFinite || parameter.isNaN, abs(parameter) < 9.2e18 else {
                throw PromQLError(.execution, "Scalar value \(parameter) overflows int64")
            }
            k = parameter.isNaN ? Int.min : Int(parameter)
            if k < 1 { return [] }
        }
        let groupingSet = Set(grouping)
        let withoutSet = groupingSet.union([Labels.metricName])
        // topk keeps the smallest on top (NaN smallest); bottomk the largest (NaN "largest").
        let heapLess: (InstantSample, InstantSample) -> Bool = op == .bottomk
            ? { a, b in a.value.isNaN || a.value > b.value }
            : { a, b in a.value.isNaN || a.value < b.value }

        var groups: [Labels: Int] = [:]
        var ordered: [Group] = []
        for sample in samples {
            let key = without ? sample.labels.removing(withoutSet)
                : (grouping.isEmpty ? Labels() : sample.labels.keeping(groupingSet))
            guard let index = groups[key] else {
                groups[key] = ordered.count
                ordered.append(Group(labels: key, value: sample.value, mean: sample.value, count: 1,
                                     heap: op == .topk || op == .bottomk || op == .quantile ? [sample] : []))
                continue
            }
            update(&ordered[index], with: sample, op: op, k: k, less: heapLess)
        }

        var out: [InstantSample] = []
        for group in ordered {
            switch op {
            case .sum, .min, .max: out.append(InstantSample(group.labels, group.value))
            case .avg: out.append(InstantSample(group.labels, group.mean))
            case .count: out.append(InstantSample(group.labels, group.count))
            case .quantile: out.append(InstantSample(group.labels, Quantiles.quantile(parameter, group.heap.map(\.value))))
            case .topk, .bottomk:
                var heap = group.heap
                if heap.count > 1 { GoSort.sort(&heap) { a, b in heapLess(b, a) } }
                out.append(contentsOf: heap)
            }
        }
        return out
    }

    private static func update(_ group: inout Group, with sample: InstantSample, op: AggregationOperator, k: Int,
                               less: (InstantSample, InstantSample) -> Bool) {
        let v = sample.value
        switch op {
        case .sum:
            group.value += v
        case .avg:
            group.count += 1
            if group.mean.isInfinite {
                // Inf + x - Inf would turn a correct infinite mean into NaN.
                if v.isInfinite && (group.mean > 0) == (v > 0) { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            group.mean += v / group.count - group.mean / group.count
        case .max:
            if group.value < v || group.value.isNaN { group.value = v }
        case .min:
            if group.value > v || group.value.isNaN { group.value = v }
        case .count:
            group.count += 1
        case .quantile:
            group.heap.append(sample)
        case .topk, .bottomk:
            let top = group.heap[0].value
            let replaces = op == .topk ? top < v : top > v
            guard group.heap.count < k || replaces || top.isNaN else { return }
            if group.heap.count == k {
                if k == 1 {
                    group.heap[0] = sample
                    return
                }
                GoHeap.pop(&group.heap, less: less)
            }
            GoHeap.push(&group.heap, sample, less: less)
        }
    }
}

/// Go's `container/heap` algorithms, so `topk`/`bottomk` pick the same element among equal
/// values as Prometheus does.
enum GoHeap {
    static func push<T>(_ heap: inout [T], _ element: T, less: (T, T) -> Bool) {
        heap.append(element)
        var j = heap.count - 1
        while true {
            let i = (j - 1) / 2
            if j <= 0 || i == j || !less(heap[j], heap[i]) { break }
            heap.swapAt(i, j)
            j = i
        }
    }

    @discardableResult
    static func pop<T>(_ heap: inout [T], less: (T, T) -> Bool) -> T {
        let n = heap.count - 1
        heap.swapAt(0, n)
        var i = 0
        while true {
            let j1 = 2 * i + 1
            if j1 >= n { break }
            var j = j1
            if j1 + 1 < n && less(heap[j1 + 1], heap[j1]) { j = j1 + 1 }
            if !less(heap[j], heap[i]) { break }
            heap.swapAt(i, j)
            i = j
        }
        return heap.removeLast()
    }
}

/// Go's `sort.Sort` ordering for short slices (insertion sort, as pdqsort uses below 12
/// elements), so equal values keep Prometheus' output order; longer slices sort stably.
enum GoSort {
    static func sort<T>(_ items: inout [T], less: (T, T) -> Bool) {
        if items.count > 12 {
            let indexed = items.enumerated().sorted { a, b in
                less(a.element, b.element) ? true : (less(b.element, a.element) ? false : a.offset < b.offset)
            }
            items = indexed.map(\.element)
            return
        }
        var i = 1
        while i < items.count {
            var j = i
            while j > 0 && less(items[j], items[j - 1]) {
                items.swapAt(j, j - 1)
                j -= 1
            }
            i += 1
        }
    }
}

/// Quantile estimation shared by `quantile` and `quantile_over_time`, and `histogram_quantile`'s bucket interpolation.
enum Quantiles {
    /// Prometheus' `quantile`: linear interpolation between the closest ranks; NaN sorts first.
    static func quantile(_ q: Double, _ valuesIn: [Double]) -> Double {
        if valuesIn.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let values = valuesIn.sorted { a, b in a.isNaN ? !b.isNaN : (!b.isNaN && a < b) }
        let n = Double(values.count)
        let rank = q * (n - 1)
        let lower = max(0, rank.rounded(.down))
        let upper = min(n - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return values[Int(lower)] * (1 - weight) + values[Int(upper)] * weight
    }

    /// One classic histogram bucket: upper bound (`le`) and cumulative count.
    struct Bucket {
        var upperBound: Double
        var count: Double
    }

    /// Prometheus' `bucketQuantile`: interpolates linearly inside the bucket holding rank q·count.
    static func bucketQuantile(_ q: Double, _ bucketsIn: [Bucket]) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var sorted = bucketsIn
        GoSort.sort(&sorted) { $0.upperBound < $1.upperBound }
        guard let last = sorted.last, last.upperBound == .infinity else { return .nan }
        // Coalesce equal bounds (summing counts), then force counts monotonic.
        var buckets: [Bucket] = []
        for bucket in sorted {
            if let previous = buckets.last, previous.upperBound == bucket.upperBound {
                buckets[buckets.count - 1].count += bucket.count
            } else {
                buckets.append(bucket)
            }
        }
        var maximum = buckets[0].count
        for i in 1..<buckets.count {
            if buckets[i].count > maximum {
                maximum = buckets[i].count
            } else if buckets[i].count < maximum {
                buckets[i].count = maximum
            }
        }
        if buckets.count < 2 { return .nan }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 { return .nan }
        var rank = q * observations
        // sort.Search over all but the +Inf bucket.
        var b = 0
        while b < buckets.count - 1 && !(buckets[b].count >= rank) { b += 1 }
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var bucketStart = 0.0
        let bucketEnd = buckets[b].upperBound
        var count = buckets[b].count
        if b > 0 {
            bucketStart = buckets[b - 1].upperBound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count)
    }
}
