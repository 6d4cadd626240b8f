import Foundation
import MonitorState
import Mustache
import ProfileDiff
import SoakModel

/// Renders a ``ReportModel`` as one self-contained HTML page: inline CSS and SVG, no script, a
/// Content-Security-Policy that lets nothing load.
///
/// Every value reaches the page through a Mustache `{{name}}` tag, which HTML-escapes `& < > " '`;
/// the templates contain no raw `{{{…}}}` or `{{&…}}` tag (a test keeps it so). Chart geometry and
/// text go through the same tags, so a label value from a target cannot become markup anywhere.
public struct ReportPage {
    private let library: MustacheLibrary

    /// Parses the templates (they are constants; a parse failure is a programming error).
    public init() {
        var library = MustacheLibrary()
        do {
            try library.register(ReportTemplates.chart, named: "chart")
            try library.register(ReportTemplates.page, named: "page")
        } catch {
            preconditionFailure("report templates do not parse: \(error)")
        }
        self.library = library
    }

    /// The policy the page carries in its meta tag, for a server to send as a header too.
    public static var contentSecurityPolicy: String { ReportStyle.contentSecurityPolicy }

    /// The HTML of `model`.
    public func render(_ model: ReportModel) -> String {
        let view = PageView(model)
        return library.render(view, withTemplate: "page") ?? ""
    }
}

// MARK: - View structs (what the templates read, all text already formatted)

struct PageView {
    struct Fact { var name: String; var value: String }
    struct Card { var value: String; var label: String; var cls: String }
    struct Cell { var text: String; var cls: String }
    struct TableRow { var cells: [Cell] }
    struct Evidence { var name: String; var href: String?; var size: String; var note: String? }
    struct Finding {
        var anchor: String
        var stateClass: String
        var state: String
        var series: String
        var title: String
        var facts: [Fact]
        var chart: SVGChart
        var evidence: [Evidence]
        var hasEvidence: Bool
        var rootCauses: [RootCause]
        var hasRootCauses: Bool
    }
    /// One profile's diff under a finding: what grew between the baseline and the leak.
    struct RootCause {
        var name: String
        var summary: String?
        var note: String?
        var unit: String
        var stacks: [RootCauseStack]
        var hasStacks: Bool
    }
    /// A stack that grew: its first application frame (outside the Go runtime and standard
    /// library), the leaf, and the values at both captures.
    struct RootCauseStack { var frame: String; var leaf: String; var before: String; var after: String; var delta: String }
    struct ComponentView { var key: String; var facts: String; var panels: [SVGChart]; var hasPanels: Bool }
    struct ComparisonRowView { var title: String; var verdict: String; var verdictClass: String; var facts: [Fact]; var chart: SVGChart? }
    struct ComparisonView {
        var verdict: String
        var verdictClass: String
        var sides: [TableRow]
        var rows: [ComparisonRowView]
        var table: [TableRow]
    }

    var title: String
    var csp: String
    var css: String
    var generated: String
    var spanText: String
    var facts: [Fact]
    var cards: [Card]
    var byResource: [TableRow]
    var hasByResource: Bool
    var health: [TableRow]
    var hasHealth: Bool
    var versions: [TableRow]
    var hasVersions: Bool
    var restarts: [TableRow]
    var hasRestarts: Bool
    var componentTable: [TableRow]
    var findings: [Finding]
    var hasFindings: Bool
    var replayNote: String?
    var components: [ComponentView]
    var comparison: ComparisonView?

    init(_ model: ReportModel) {
        let format = ReportFormat()
        let charts = ReportCharts(format: format)
        let span = model.spanToMs - model.spanFromMs
        title = model.title
        csp = ReportStyle.contentSecurityPolicy
        css = ReportStyle.css
        generated = format.time(model.generatedAtMs)
        spanText = "\(format.time(model.spanFromMs)) → \(format.time(model.spanToMs)) (\(format.duration(ms: span)))"

        let jobs = Set(model.components.map(\.job))
        let firing = model.findings.filter { $0.state == .firing }
        let earliestExhaustion = model.findings.compactMap { finding in finding.exhaustionMs.map { ($0, finding) } }
            .min { $0.0 < $1.0 }
        facts = [
            Fact(name: "Run", value: spanText),
            Fact(name: "Components", value: "\(model.components.count) in \(jobs.count) job\(jobs.count == 1 ? "" : "s"); "
                 + "\(model.seriesCount) series; \(format.value(Double(model.sampleCount), bytes: false)) samples judged"),
            Fact(name: "Versions seen", value: Set(model.versionChanges.map { Self.clip($0.detail, 60) }).sorted()
                 .joined(separator: ", ").nilIfEmpty ?? "no version markers recorded"),
            Fact(name: "Restarts", value: "\(model.restarts.count)"),
            Fact(name: "Time to exhaustion", value: earliestExhaustion.map { entry in
                "\(format.duration(ms: entry.0 - model.spanToMs)) after the run's end (\(format.time(entry.0))), "
                    + "\(entry.1.resource.rawValue) of \(entry.1.component)"
            } ?? "no finding projects an exhaustion"),
        ]
        cards = [
            Card(value: "\(firing.count)", label: "firing findings", cls: firing.isEmpty ? "state-resolved" : "state-firing"),
            Card(value: "\(model.findings.count - firing.count)", label: "resolved findings", cls: ""),
            Card(value: "\(model.components.count)", label: "components", cls: ""),
            Card(value: format.duration(ms: span), label: "observed", cls: ""),
        ]

        var counts: [String: (firing: Int, resolved: Int)] = [:]
        for finding in model.findings {
            var entry = counts[finding.resource.rawValue] ?? (0, 0)
            if finding.state == .firing { entry.firing += 1 } else { entry.resolved += 1 }
            counts[finding.resource.rawValue] = entry
        }
        byResource = counts.keys.sorted().map { resource in
            TableRow(cells: [Cell(text: resource, cls: ""), Cell(text: "\(counts[resource]!.firing)", cls: "num"),
                             Cell(text: "\(counts[resource]!.resolved)", cls: "num")])
        }
        hasByResource = !byResource.isEmpty
        health = model.scrapeHealth.map { job in
            TableRow(cells: [
                Cell(text: job.job, cls: ""), Cell(text: "\(job.targets)", cls: "num"), Cell(text: "\(job.scrapes)", cls: "num"),
                Cell(text: format.significant(job.upRatio * 100) + " %", cls: "num"),
                Cell(text: job.lastError.map { Self.clip($0, 160) } ?? "", cls: "muted"),
            ])
        }
        hasHealth = !health.isEmpty
        versions = model.versionChanges.map { marker in
            TableRow(cells: [Cell(text: format.time(marker.timestampMs), cls: ""), Cell(text: Self.clip(marker.target, 200), cls: "series"),
                             Cell(text: Self.clip(marker.detail, 200), cls: "")])
        }
        hasVersions = !versions.isEmpty
        restarts = model.restarts.map { marker in
            TableRow(cells: [Cell(text: format.time(marker.timestampMs), cls: ""), Cell(text: Self.clip(marker.target, 200), cls: "series"),
                             Cell(text: Self.clip(marker.detail, 200), cls: "muted")])
        }
        hasRestarts = !restarts.isEmpty
        componentTable = model.components.map { component in
            TableRow(cells: [
                Cell(text: Self.clip(component.key, 200), cls: "series"),
                Cell(text: component.versions.map { Self.clip($0, 60) }.joined(separator: " → ").nilIfEmpty ?? "–", cls: ""),
                Cell(text: "\(component.restartCount)", cls: "num"), Cell(text: "\(component.seriesCount)", cls: "num"),
                Cell(text: "\(model.findings.filter { $0.component == component.key }.count)", cls: "num"),
            ])
        }

        findings = model.findings.map { finding in
            var facts = [
                Fact(name: "Component", value: Self.clip(finding.component, 300)),
                Fact(name: "Resource", value: finding.resource.rawValue),
                Fact(name: "Growth", value: format.percentPerHour(finding.growthPercentPerHour)
                     + " (" + format.value(finding.slopePerHour, bytes: finding.chart.isBytes) + " per hour)"
                     + (finding.growthInterval.map {
                         ", 95 % interval " + format.percentPerHour($0.lowerBound) + " … " + format.percentPerHour($0.upperBound)
                     } ?? "")),
                Fact(name: "Confidence", value: format.significant(finding.confidence * 100) + " %"),
                Fact(name: "Onset", value: format.time(finding.onsetMs)),
                Fact(name: "Alert", value: format.time(finding.alertMs)),
                Fact(name: "Trend fitted over", value: "\(format.time(finding.windowStartMs)) → \(format.time(finding.judgedMs))"),
            ]
            if let resolved = finding.resolvedMs { facts.append(Fact(name: "Resolved", value: format.time(resolved))) }
            if let limit = finding.limit {
                facts.append(Fact(name: "Limit", value: format.value(limit, bytes: finding.chart.isBytes)))
            }
            facts.append(Fact(name: "Projected exhaustion", value: finding.exhaustionMs.map {
                "\(format.time($0)) (\(format.duration(ms: $0 - finding.judgedMs)) after the last judgement)"
            } ?? (finding.limit == nil ? "no limit known" : "not within the trend")))
            if let version = finding.version { facts.append(Fact(name: "Version", value: Self.clip(version, 120))) }
            facts.append(Fact(name: "Source", value: finding.source == .recorded
                              ? "recorded by the daemon" : "found by replaying the detector over the stored samples"))
            let evidence = finding.evidence.map { link in
                Evidence(name: Self.clip(link.name, 80), href: link.href,
                         size: link.byteCount > 0 ? format.value(Double(link.byteCount), bytes: true) : "", note: link.note)
            }
            return Finding(anchor: finding.anchor, stateClass: finding.state.rawValue,
                           state: finding.state.rawValue, series: Self.clip(finding.series.description, 600),
                           title: "\(finding.resource.rawValue) (\(finding.series.metric)) of \(Self.clip(finding.component, 120))",
                           facts: facts,
                           chart: charts.finding(finding, spanFromMs: model.spanFromMs, spanToMs: model.spanToMs),
                           evidence: evidence, hasEvidence: !evidence.isEmpty,
                           rootCauses: finding.rootCauses.map { Self.rootCause($0, format: format) },
                           hasRootCauses: !finding.rootCauses.isEmpty)
        }
        hasFindings = !findings.isEmpty
        replayNote = model.findingsReplayedOnly
            ? "The store holds no findings recorded by the daemon; these come from replaying the detector over the stored samples."
            : nil
        components = model.components.map { component in
            let panels = component.panels.map { charts.panel($0, spanFromMs: model.spanFromMs, spanToMs: model.spanToMs) }
            let versionText = component.versions.isEmpty ? "" : "; versions " + component.versions.map { Self.clip($0, 60) }.joined(separator: " → ")
            return ComponentView(key: Self.clip(component.key, 300),
                                 facts: "\(component.seriesCount) series; \(component.restartCount) restarts" + versionText,
                                 panels: panels, hasPanels: !panels.isEmpty)
        }
        comparison = model.comparison.map { Self.comparisonView($0, charts: charts, format: format) }
    }

    private static func comparisonView(_ comparison: ReportComparison, charts: ReportCharts, format: ReportFormat) -> ComparisonView {
        let document = comparison.document
        let baseName = document.baseline.versions.joined(separator: ", ").nilIfEmpty ?? "baseline"
        let candName = document.candidate.versions.joined(separator: ", ").nilIfEmpty ?? "candidate"
        func side(_ name: String, _ side: ComparisonDocument.Side) -> TableRow {
            TableRow(cells: [
                Cell(text: name, cls: ""),
                Cell(text: Self.clip(side.versions.joined(separator: ", "), 200), cls: ""),
                Cell(text: side.from.map { format.time($0.ms) } ?? "–", cls: ""),
                Cell(text: side.to.map { format.time($0.ms) } ?? "–", cls: ""),
                Cell(text: side.series.map { "\($0)" } ?? "–", cls: "num"),
            ])
        }
        func number(_ value: Double?, bytes: Bool) -> String { value.map { format.value($0, bytes: bytes) } ?? "–" }
        func interval(_ values: [Double]?, bytes: Bool) -> String {
            guard let values, values.count == 2 else { return "" }
            return " [" + format.value(values[0], bytes: bytes) + " … " + format.value(values[1], bytes: bytes) + "]"
        }
        var rows: [ComparisonRowView] = []
        var table: [TableRow] = []
        for (index, row) in document.rows.enumerated() {
            let bytes = row.resource == "memory"
            let labels = row.labels.keys.sorted().map { "\($0)=\(row.labels[$0]!)" }.joined(separator: ", ")
            let title = Self.clip(row.metric + (labels.isEmpty ? "" : " {" + labels + "}"), 400)
            let level = row.level.map { level in
                number(level.baselineMedian, bytes: bytes) + " → " + number(level.candidateMedian, bytes: bytes)
                    + " (shift " + number(level.shift, bytes: bytes) + interval(level.shiftCI, bytes: bytes)
                    + (level.ratio.map { ", ×" + format.significant($0) } ?? "") + ")"
            } ?? "–"
            let growth = row.growth.map { growth in
                number(growth.baselinePerHour, bytes: bytes) + "/h → " + number(growth.candidatePerHour, bytes: bytes)
                    + "/h (difference " + number(growth.differencePerHour, bytes: bytes) + "/h"
                    + interval(growth.differenceCI, bytes: bytes) + ")"
            } ?? "–"
            let restarts = row.restartsPerDay.map {
                ($0.baseline.map { format.significant($0) } ?? "–") + " → " + ($0.candidate.map { format.significant($0) } ?? "–")
            } ?? "–"
            table.append(TableRow(cells: [
                Cell(text: title, cls: "series"), Cell(text: row.resource ?? "", cls: ""),
                Cell(text: row.verdict, cls: "verdict-" + Self.cssToken(row.verdict)),
                Cell(text: Self.clip(row.reason ?? "", 200), cls: "muted"),
            ]))
            let overlay = index < comparison.overlays.count ? comparison.overlays[index] : nil
            rows.append(ComparisonRowView(
                title: title, verdict: row.verdict, verdictClass: "verdict-" + Self.cssToken(row.verdict),
                facts: [Fact(name: "Level", value: level), Fact(name: "Growth", value: growth),
                        Fact(name: "Restarts per day", value: restarts)]
                    + (row.reason.map { [Fact(name: "Reason", value: Self.clip($0, 300))] } ?? []),
                chart: overlay.map { charts.overlay($0, row: row, baseline: baseName, candidate: candName) }))
        }
        return ComparisonView(verdict: document.verdict, verdictClass: "verdict-" + Self.cssToken(document.verdict),
                              sides: [side("baseline", document.baseline), side("candidate", document.candidate)],
                              rows: rows, table: table)
    }

    /// Very long values (a label of kilobytes) are cut for display.
    /// Stacks shown per profile: the table is for a reader, the JSON API keeps the top ten.
    static let rootCauseStacks = 5

    static func rootCause(_ cause: EvidenceRootCause, format: ReportFormat) -> RootCause {
        let isBytes = cause.diff?.kind == .heap && cause.sampleType != "inuse_objects"
        func value(_ number: Int64) -> String {
            isBytes ? format.value(Double(number), bytes: true) : String(number)
        }
        var notes: [String] = []
        if let error = cause.error { notes.append(error) }
        if cause.baselineAfterOnset {
            notes.append("no baseline predates the onset: compared with the oldest one before the capture, so the growth is understated")
        }
        let stacks = (cause.diff?.stacks ?? []).prefix(rootCauseStacks).map { stack in
            let application = stack.frames.first { !GoFunctionName.isRuntimeOrStandardLibrary($0) } ?? stack.frames.first ?? "?"
            return RootCauseStack(frame: clip(application, 200), leaf: clip(stack.frames.first ?? "?", 200),
                                  before: value(stack.before), after: value(stack.after),
                                  delta: (stack.delta >= 0 ? "+" : "−") + value(abs(stack.delta)))
        }
        return RootCause(name: clip(cause.name, 80), summary: cause.summary.map { clip($0, 300) },
                         note: notes.isEmpty ? nil : clip(notes.joined(separator: "; "), 400),
                         unit: cause.sampleType ?? "", stacks: Array(stacks), hasStacks: !stacks.isEmpty)
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "… (\(text.count) characters)"
    }

    /// A CSS class token: letters, digits and `-` only (verdicts are from the comparison JSON).
    static func cssToken(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
            .prefix(40).map(Character.init))
    }
}
