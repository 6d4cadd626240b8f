import Foundation
import SeriesStore

/// A chart as data: shapes in pixel coordinates and text labels. The page template turns it into
/// inline SVG, so every attribute and text of a chart is escaped by the same template engine as
/// the rest of the page; nothing here writes markup.
struct SVGChart {
    struct Shape {
        /// CSS class: the only styling a chart carries (the page's CSP forbids style attributes).
        var cls: String
        /// Polyline `points` or path `d`.
        var geometry: String
    }

    struct Rule {
        var cls: String
        var x1: String, y1: String, x2: String, y2: String
    }

    struct Label {
        var cls: String
        var x: String, y: String
        /// `start`, `middle` or `end`.
        var anchor: String
        var text: String
    }

    var width: Int
    var height: Int
    /// The accessible name (`aria-label`).
    var label: String
    var areas: [Shape] = []
    var lines: [Shape] = []
    var rules: [Rule] = []
    var labels: [Label] = []
}

/// Maps data (time in ms or hours, value) to pixels inside margins.
struct ChartFrame {
    var width: Double, height: Double
    var left = 70.0, right = 12.0, top = 14.0, bottom = 22.0
    var xMin: Double, xMax: Double
    var yMin: Double, yMax: Double

    init(width: Double, height: Double, x: ClosedRange<Double>, y: ClosedRange<Double>, compact: Bool = false) {
        self.width = width
        self.height = height
        if compact { left = 4; right = 4; top = 16; bottom = 4 }
        xMin = x.lowerBound
        xMax = x.upperBound > x.lowerBound ? x.upperBound : x.lowerBound + 1
        // A little headroom; a flat series gets a band of ±1 % (or ±1) so it sits mid-chart.
        var low = y.lowerBound, high = y.upperBound
        if high <= low {
            let pad = low == 0 ? 1 : abs(low) * 0.01
            low -= pad
            high += pad
        }
        let pad = (high - low) * 0.06
        yMin = low - pad
        yMax = high + pad
    }

    func x(_ value: Double) -> Double { left + (value - xMin) / (xMax - xMin) * (width - left - right) }
    func y(_ value: Double) -> Double { top + (yMax - value) / (yMax - yMin) * (height - top - bottom) }
    func point(_ x: Double, _ y: Double) -> String {
        ReportFormat.coordinate(self.x(x)) + "," + ReportFormat.coordinate(self.y(y))
    }

    var plotLeft: String { ReportFormat.coordinate(left) }
    var plotRight: String { ReportFormat.coordinate(width - right) }
    var plotTop: String { ReportFormat.coordinate(top) }
    var plotBottom: String { ReportFormat.coordinate(height - bottom) }

    /// A filled band between two edges sampled at the same x positions.
    func band(_ xs: [Double], lower: [Double], upper: [Double]) -> String {
        guard !xs.isEmpty else { return "" }
        var d = "M" + point(xs[0], upper[0])
        for i in 1..<xs.count { d += "L" + point(xs[i], upper[i]) }
        for i in xs.indices.reversed() { d += "L" + point(xs[i], lower[i]) }
        return d + "Z"
    }

    func polyline(_ xs: [Double], _ ys: [Double]) -> String {
        var out = ""
        out.reserveCapacity(xs.count * 10)
        for i in xs.indices {
            if i > 0 { out += " " }
            out += point(xs[i], ys[i])
        }
        return out
    }

    /// Vertical rule across the plot at data x.
    func verticalRule(_ x: Double, cls: String) -> SVGChart.Rule {
        let px = ReportFormat.coordinate(self.x(x))
        return SVGChart.Rule(cls: cls, x1: px, y1: plotTop, x2: px, y2: plotBottom)
    }

    /// Horizontal rule across the plot at data y.
    func horizontalRule(_ y: Double, cls: String) -> SVGChart.Rule {
        let py = ReportFormat.coordinate(self.y(y))
        return SVGChart.Rule(cls: cls, x1: plotLeft, y1: py, x2: plotRight, y2: py)
    }

    /// About `count` round values across the y range.
    func yTicks(count: Int = 4) -> [Double] {
        let span = yMax - yMin
        guard span > 0, span.isFinite else { return [] }
        let rawStep = span / Double(count)
        let magnitude = pow10(floor(log10(rawStep)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rawStep } ?? rawStep
        var ticks: [Double] = []
        var tick = (yMin / step).rounded(.up) * step
        while tick <= yMax && ticks.count < 12 {
            ticks.append(tick)
            tick += step
        }
        return ticks
    }

    private func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<Int(exponent) { result *= 10 } } else { for _ in 0..<Int(-exponent) { result /= 10 } }
        return result
    }
}

/// Axes and gridlines shared by the full-size charts.
extension SVGChart {
    mutating func addAxes(_ frame: ChartFrame, xTicks: [(Double, String)], format: (Double) -> String) {
        for tick in frame.yTicks() {
            rules.append(frame.horizontalRule(tick, cls: "grid"))
            labels.append(Label(cls: "axis", x: ReportFormat.coordinate(frame.left - 4),
                                y: ReportFormat.coordinate(frame.y(tick) + 4), anchor: "end", text: format(tick)))
        }
        for (index, (x, text)) in xTicks.enumerated() {
            // The outer ticks are aligned inwards so their text stays inside the chart.
            let anchor = index == 0 ? "start" : index == xTicks.count - 1 ? "end" : "middle"
            labels.append(Label(cls: "axis", x: ReportFormat.coordinate(frame.x(x)),
                                y: ReportFormat.coordinate(frame.height - 6), anchor: anchor, text: text))
        }
        rules.append(SVGChart.Rule(cls: "frame", x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight,
                                   y2: frame.plotBottom))
    }
}
