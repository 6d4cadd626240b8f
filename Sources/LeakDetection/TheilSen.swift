/// Theil–Sen slope: the median of all pairwise slopes (x_j − x_i)/(t_j − t_i). Robust to
/// up to 29 % outliers, and to the single spikes a sawtooth floor can still contain.
public enum TheilSen {
    /// The Theil–Sen slope of the points, or nil with fewer than two distinct times.
    public static func slope(times: [Double], values: [Double]) -> Double? {
        precondition(times.count == values.count)
        return times.withUnsafeBufferPointer { t in
            values.withUnsafeBufferPointer { v in slope(times: t, values: v) }
        }
    }

    /// The same on contiguous buffers, which is how the detector calls it (its ring is copied
    /// out once per judgement). Uses one temporary buffer of n(n−1)/2 doubles.
    static func slope(times: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>) -> Double? {
        let n = times.count
        guard n >= 2 else { return nil }
        let pairs = n * (n - 1) / 2
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: pairs) { buffer -> Double? in
            var m = 0
            for j in 1..<n {
                let tj = times[j], vj = values[j]
                for i in 0..<j {
                    let dt = tj - times[i]
                    if dt > 0 {
                        buffer[m] = (vj - values[i]) / dt
                        m += 1
                    }
                }
            }
            guard m > 0 else { return nil }
            return median(buffer, count: m)
        }
    }

    /// Median of the first `count` elements (reorders them): quickselect, O(count) on average.
    static func median(_ buffer: UnsafeMutableBufferPointer<Double>, count: Int) -> Double {
        let upper = select(buffer, count: count, rank: count / 2)
        if count % 2 == 1 { return upper }
        // After selection, every element before rank count/2 is ≤ upper: the lower middle is their max.
        var lower = -Double.infinity
        for i in 0..<(count / 2) where buffer[i] > lower { lower = buffer[i] }
        return (lower + upper) / 2
    }

    /// The element of the given rank (0-based) in sorted order; partially reorders the buffer.
    static func select(_ a: UnsafeMutableBufferPointer<Double>, count: Int, rank: Int) -> Double {
        var low = 0
        var high = count - 1
        while high > low {
            // Median-of-three pivot keeps already-sorted input (a clean trend) linear.
            let mid = low + (high - low) / 2
            let pivot = max(min(a[low], a[mid]), min(max(a[low], a[mid]), a[high]))
            var i = low
            var j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { return a[rank] }
        }
        return a[rank]
    }
}
