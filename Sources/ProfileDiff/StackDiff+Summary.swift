extension StackDiff {
    /// The one line an alert carries: the top growing stack's first frame outside the Go runtime
    /// and standard library, its growth and its share of the total, e.g.
    /// `goroutines: +212 at go.etcd.io/etcd/etcdserver/api/v3rpc.(*serverWatchStream).sendLoop (97% of +219)`
    /// or `heap: +7.8 MiB in use at github.com/prometheus/prometheus/tsdb.(*memSeries).append (61% of +12.8 MiB)`.
    /// Nil when no stack grew.
    public var summaryLine: String? {
        guard let top = topGrowth(1).first else { return nil }
        let frame = top.stack.firstApplicationFrame ?? "<empty stack>"
        let share = shareOfGrowth(top).map { " (\(Self.percent($0)) of \(formatSigned(totalDelta)))" } ?? ""
        switch kind {
        case .goroutine:
            return "goroutines: \(formatSigned(top.delta)) at \(frame)\(share)"
        case .heap:
            let what = sampleType.unit == "bytes" ? " in use" : " \(sampleType.type)"
            return "heap: \(formatSigned(top.delta))\(what) at \(frame)\(share)"
        }
    }

    /// A value in the diff's unit: bytes as KiB/MiB/GiB with one decimal, counts as integers.
    public func format(_ value: Int64) -> String {
        guard sampleType.unit == "bytes" else { return String(value) }
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        for (unit, size) in [("GiB", 1024.0 * 1024 * 1024), ("MiB", 1024.0 * 1024), ("KiB", 1024.0)] where magnitude >= size {
            return sign + Self.oneDecimal(magnitude / size) + " " + unit
        }
        return "\(value) B"
    }

    /// ``format(_:)`` with a `+` on growth.
    public func formatSigned(_ value: Int64) -> String {
        (value > 0 ? "+" : "") + format(value)
    }

    /// A share of the growth as a whole percentage, `0.874` → `87%`.
    public static func percent(_ share: Double) -> String {
        "\(Int((share * 100).rounded()))%"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
