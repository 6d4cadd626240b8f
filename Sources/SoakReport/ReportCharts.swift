import LeakDetection
import SeriesStore
import SoakModel

/// Builds the report's three kinds of chart from the model.
struct ReportCharts {
    let format: ReportFormat

    // MARK: Finding

    /// The series over the run: raw range per step, the detector's judged level, segment
    /// boundaries, the fitted trend over its window, the onset, and the projection to the limit.
    func finding(_ finding: ReportFinding, spanFromMs: Int64, spanToMs: Int64) -> SVGChart {
        let data = finding.chart
        let bytes = data.isBytes
        // The trend line from the window start to the last judgement.
        var trend: (Double, Double, Double, Double)?
        if let start = data.trendStartValue {
            let end = start + finding.slopePerHour * Double(finding.judgedMs - finding.windowStartMs) / 3_600_000
            trend = (Double(finding.windowStartMs), start, Double(finding.judgedMs), end)
        }
        // The projection is drawn when exhaustion falls within one more run length.
        var projection: (Double, Double)?
        var xMax = Double(spanToMs)
        if let exhaustion = finding.exhaustionMs, let limit = finding.limit, trend != nil,
           exhaustion > finding.judgedMs, exhaustion - spanToMs <= max(spanToMs - spanFromMs, 1) {
            projection = (Double(exhaustion), limit)
            xMax = max(xMax, Double(exhaustion))
        }
        var low = Double.infinity, high = -Double.infinity
        for bucket in data.buckets where bucket.count > 0 {
            low = min(low, bucket.min)
            high = max(high, bucket.max)
        }
        for level in data.levels {
            low = min(low, level)
            high = max(high, level)
        }
        if let trend { low = min(low, trend.1, trend.3); high = max(high, trend.1, trend.3) }
        if let projection { high = max(high, projection.1) }
        if !low.isFinite { low = 0; high = 1 }
        let frame = ChartFrame(width: 760, height: 260, x: Double(spanFromMs)...xMax, y: low...high)
        var chart = SVGChart(width: 760, height: 260, label: "\(finding.series.description) over the run")
        chart.addAxes(frame, xTicks: timeTicks(frame, spanMs: Int64(xMax) - spanFromMs),
                      format: { format.value($0, bytes: bytes) })

        let filled = data.buckets.filter { $0.count > 0 }
        let xs = filled.map { Double($0.startMs) }
        chart.areas.append(.init(cls: "range", geometry: frame.band(xs, lower: filled.map(\.min), upper: filled.map(\.max))))
        // The step means: where a step holds one sample (short runs) the band is a line, and
        // this is the raw series itself.
        chart.lines.append(.init(cls: "raw", geometry: frame.polyline(xs, filled.map(\.mean))))
        if !data.levels.isEmpty {
            let (times, levels) = Self.thinned(data.levelTimestampsMs, data.levels, bins: 600, frame: frame)
            chart.lines.append(.init(cls: "level", geometry: frame.polyline(times, levels)))
        }
        for boundary in data.boundaries {
            chart.rules.append(frame.verticalRule(Double(boundary.timestampMs), cls: "boundary"))
            chart.labels.append(.init(cls: "note", x: ReportFormat.coordinate(frame.x(Double(boundary.timestampMs)) + 3),
                                      y: ReportFormat.coordinate(frame.top + 10), anchor: "start",
                                      text: boundaryText(boundary)))
        }
        chart.rules.append(frame.verticalRule(Double(finding.onsetMs), cls: "onset"))
        chart.labels.append(.init(cls: "note onset-text", x: ReportFormat.coordinate(frame.x(Double(finding.onsetMs)) + 3),
                                  y: ReportFormat.coordinate(frame.height - frame.bottom - 4), anchor: "start", text: "onset"))
        if let trend {
            chart.lines.append(.init(cls: "trend", geometry: frame.point(trend.0, trend.1) + " " + frame.point(trend.2, trend.3)))
            if let projection {
                chart.lines.append(.init(cls: "projection",
                                         geometry: frame.point(trend.2, trend.3) + " " + frame.point(projection.0, projection.1)))
            }
        }
        if let limit = finding.limit, projection != nil {
            chart.rules.append(frame.horizontalRule(limit, cls: "limit"))
            chart.labels.append(.init(cls: "note", x: ReportFormat.coordinate(frame.x(frame.xMin) + 4),
                                      y: ReportFormat.coordinate(frame.y(limit) - 4), anchor: "start",
                                      text: "limit " + format.value(limit, bytes: bytes)))
        }
        return chart
    }

    /// At most `bins` points: the mean time and level of the points in each of `bins` equal
    /// slices of the x range (a 14-day run has 4,000 five-minute levels; the chart is 700 px wide).
    static func thinned(_ timesMs: [Int64], _ values: [Double], bins: Int, frame: ChartFrame) -> ([Double], [Double]) {
        let times = timesMs.map(Double.init)
        guard times.count > 2 * bins else { return (times, values) }
        var sumT = [Double](repeating: 0, count: bins), sumV = sumT, count = [Int](repeating: 0, count: bins)
        let width = (frame.xMax - frame.xMin) / Double(bins)
        for i in times.indices {
            let bin = Swift.min(bins - 1, Swift.max(0, Int((times[i] - frame.xMin) / width)))
            sumT[bin] += times[i]
            sumV[bin] += values[i]
            count[bin] += 1
        }
        var outT: [Double] = [], outV: [Double] = []
        for bin in 0..<bins where count[bin] > 0 {
            outT.append(sumT[bin] / Double(count[bin]))
            outV.append(sumV[bin] / Double(count[bin]))
        }
        return (outT, outV)
    }

    private func boundaryText(_ boundary: JudgedLevelReplay.Boundary) -> String {
        switch boundary.reason {
        case .restart: "restart"
        case .versionChange: boundary.version.map { "version \($0)" } ?? "version change"
        case .scrapeGap: "gap"
        case .valueCollapse: "drop"
        case .timeWentBackwards: "clock"
        case .firstSample: "start"
        }
    }

    // MARK: Small multiple

    /// One resource of one component: min–max band and mean line, no axes.
    func panel(_ panel: ComponentPanel, spanFromMs: Int64, spanToMs: Int64) -> SVGChart {
        let filled = panel.buckets.filter { $0.count > 0 }
        let low = filled.map(\.min).min() ?? 0
        let high = filled.map(\.max).max() ?? 1
        let frame = ChartFrame(width: 220, height: 80, x: Double(spanFromMs)...Double(spanToMs), y: low...high, compact: true)
        var chart = SVGChart(width: 220, height: 80, label: "\(panel.kind.rawValue): \(panel.series.description)")
        let xs = filled.map { Double($0.startMs) }
        chart.areas.append(.init(cls: "range", geometry: frame.band(xs, lower: filled.map(\.min), upper: filled.map(\.max))))
        chart.lines.append(.init(cls: panel.hasFinding ? "mean leaking" : "mean", geometry: frame.polyline(xs, filled.map(\.mean))))
        let last = filled.last.map { format.value($0.mean, bytes: panel.kind.isBytes) } ?? "no data"
        chart.labels.append(.init(cls: "panel-title", x: "4", y: "11", anchor: "start", text: panel.kind.rawValue))
        chart.labels.append(.init(cls: "panel-value", x: "216", y: "11", anchor: "end", text: last))
        return chart
    }

    // MARK: Comparison overlay

    /// Both versions' series on a common "hours since start" axis.
    func overlay(_ overlay: ComparisonOverlay, row: ComparisonDocument.Row, baseline: String, candidate: String) -> SVGChart {
        let all = (overlay.baseline + overlay.candidate).flatMap { $0 }
        let xMax = all.map(\.hours).max() ?? 1
        let low = all.map(\.value).min() ?? 0
        let high = all.map(\.value).max() ?? 1
        let bytes = row.resource == "memory"
        let frame = ChartFrame(width: 760, height: 220, x: 0...max(xMax, 1e-9), y: low...high)
        var chart = SVGChart(width: 760, height: 220, label: "\(row.metric): \(baseline) against \(candidate)")
        let ticks = (0...4).map { i -> (Double, String) in
            let hours = frame.xMin + (frame.xMax - frame.xMin) * Double(i) / 4
            return (hours, format.significant(hours) + " h")
        }
        chart.addAxes(frame, xTicks: ticks, format: { format.value($0, bytes: bytes) })
        for series in overlay.baseline {
            chart.lines.append(.init(cls: "baseline", geometry: frame.polyline(series.map(\.hours), series.map(\.value))))
        }
        for series in overlay.candidate {
            chart.lines.append(.init(cls: "candidate", geometry: frame.polyline(series.map(\.hours), series.map(\.value))))
        }
        chart.labels.append(.init(cls: "legend baseline-text", x: ReportFormat.coordinate(frame.left + 6), y: "12",
                                  anchor: "start", text: "baseline " + baseline))
        chart.labels.append(.init(cls: "legend candidate-text", x: ReportFormat.coordinate(frame.width - frame.right), y: "12",
                                  anchor: "end", text: "candidate " + candidate))
        return chart
    }

    // MARK: Ticks

    private func timeTicks(_ frame: ChartFrame, spanMs: Int64) -> [(Double, String)] {
        (0...4).map { i in
            let ms = frame.xMin + (frame.xMax - frame.xMin) * Double(i) / 4
            return (ms, format.tick(Int64(ms), spanMs: spanMs))
        }
    }
}
