import ArgumentParser
import Foundation
import LeakDetection
import MetricsScrape
import SeriesStore
import SoakDaemon

/// `soak compare`: the upgrade gate. Compares a baseline run with a candidate run per component ×
/// resource (level after warm-up, growth, restarts, exhaustion) with `VersionComparator`, and
/// exits 1 when the candidate regressed. Reading the inputs is all this command does.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare resource levels and growth of a baseline run and a candidate run (a CI gate for upgrades).",
        discussion: """
        Inputs (one of):
          --db DB --job J --baseline-version V --candidate-version W
              the spans during which each target of job J reported version V (resp. W), from the
              version markers `soak run` records (etcd_server_version, kubernetes_build_info, go_info)
          --db DB --baseline-from T --baseline-to T --candidate-from T --candidate-to T
              two time ranges (RFC 3339 or Unix seconds)
          --baseline-input A.om --candidate-input B.om
              two OpenMetrics backfill files (what `soak export` and promtool write)

        Series are matched by metric name and labels, ignoring instance, pod, node, version and
        every --ignore-label; several series of one side under one key form one group. See
        docs/compare.md for the statistics and their defaults.

        Exit status: 0 no regression that trips the gate, 1 at least one, 2 input unusable (bad
        file, no matching series, unknown version), 3 every row inconclusive, 64 usage.

        Examples:
          soak compare --db soak.db --job etcd --baseline-version 3.4.23 --candidate-version 3.5.1 --fail-on growth
          soak compare --baseline-input old.om --candidate-input new.om --format markdown
        """
    )

    /// How the report is printed.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    /// Which regressions trip the gate.
    enum Gate: String, ExpressibleByArgument, CaseIterable {
        case growth, level, any
        var aspects: Set<RegressionAspect> {
            switch self {
            case .growth: [.growth]
            case .level: [.level]
            case .any: [.growth, .level]
            }
        }
    }

    @Option(help: "The SoakMonitor database file (opened read-only).") var db: String?
    @Option(help: "The job whose targets' version markers define the runs (with --baseline-version/--candidate-version).") var job: String?
    @Option(help: "The baseline's version, as the version marker records it (e.g. 3.4.23).") var baselineVersion: String?
    @Option(help: "The candidate's version.") var candidateVersion: String?
    @Option(help: "Start of the baseline run (RFC 3339 or Unix seconds).") var baselineFrom: String?
    @Option(help: "End of the baseline run.") var baselineTo: String?
    @Option(help: "Start of the candidate run.") var candidateFrom: String?
    @Option(help: "End of the candidate run.") var candidateTo: String?
    @Option(help: "OpenMetrics backfill file of the baseline run.") var baselineInput: String?
    @Option(help: "OpenMetrics backfill file of the candidate run.") var candidateInput: String?
    @Option(help: "A PromQL series selector narrowing the series (repeatable: the union).") var match: [String] = []
    @Option(help: "A label to ignore when matching series across the runs, beside instance, pod, node and version (repeatable).")
    var ignoreLabel: [String] = []
    @Flag(help: "Runs recorded on a compressed time scale (1–2 s scrapes, minutes standing for hours), as `soak analyze`.")
    var timeCompressed = false
    @Option(help: "A level shift below this percentage of the baseline median is no change (default 10).")
    var levelTolerance: Double?
    @Option(help: "A growth difference below this, percent of the baseline median per hour, is no change (default 0.25; ×60 with --time-compressed).")
    var growthTolerance: Double?
    @Option(help: "Two-sided confidence of every interval, between 0.5 and 0.999 (default 0.95).")
    var confidence: Double = 0.95
    @Flag(help: "Also compare metrics that are not known memory/fd/goroutine/thread metrics.") var allMetrics = false
    @Option(help: "Report format: text, json or markdown.") var format: OutputFormat = .text
    @Option(help: "Which regressions trip the gate (exit 1): growth, level or any.") var failOn: Gate = .any

    func validate() throws {
        let files = baselineInput != nil || candidateInput != nil
        let versions = job != nil || baselineVersion != nil || candidateVersion != nil
        let ranges = [baselineFrom, baselineTo, candidateFrom, candidateTo].contains { $0 != nil }
        guard [files, versions, ranges].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one input: --baseline-input/--candidate-input, --db with --job and versions, or --db with time ranges")
        }
        if files && (baselineInput == nil || candidateInput == nil) {
            throw ValidationError("--baseline-input and --candidate-input go together")
        }
        if versions && (db == nil || job == nil || baselineVersion == nil || candidateVersion == nil) {
            throw ValidationError("--job needs --db, --baseline-version and --candidate-version")
        }
        if ranges && (db == nil || [baselineFrom, baselineTo, candidateFrom, candidateTo].contains { $0 == nil }) {
            throw ValidationError("time ranges need --db, --baseline-from, --baseline-to, --candidate-from and --candidate-to")
        }
        guard confidence >= 0.5, confidence <= 0.999 else { throw ValidationError("--confidence must be between 0.5 and 0.999") }
        for text in [baselineFrom, baselineTo, candidateFrom, candidateTo].compactMap({ $0 }) where Self.milliseconds(text) == nil {
            throw ValidationError("\(text) is neither RFC 3339 nor Unix seconds")
        }
    }

    func run() throws {
        var settings: ComparisonSettings = timeCompressed ? .timeCompressed : .init()
        settings.ignoredLabels.formUnion(ignoreLabel)
        if let levelTolerance { settings.levelTolerancePercent = levelTolerance }
        if let growthTolerance { settings.growthTolerancePercentPerHour = growthTolerance }
        settings.confidence = confidence
        settings.includesUnclassified = allMetrics
        let sides: SidePair<[ComparedSeries]>
        do {
            sides = try loadSides(settings: settings)
        } catch let error as CompareInputError {
            FileHandle.standardError.write(Data("soak compare: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        let result = VersionComparator.compare(baseline: sides.baseline, candidate: sides.candidate, settings: settings)
        guard !result.rows.isEmpty else {
            FileHandle.standardError.write(Data("soak compare: no compared metric (memory, fds, goroutines, threads) in the matching series\n".utf8))
            throw ExitCode(2)
        }
        let report = ComparisonRendering(result: result, gate: failOn.aspects, settings: settings)
        switch format {
        case .text: print(report.text())
        case .json: print(report.json())
        case .markdown: print(report.markdown())
        }
        switch result.verdict(gatingOn: failOn.aspects) {
        case .regression: throw ExitCode(1)
        case .inconclusive: throw ExitCode(3)
        case .improvement, .noChange: return
        }
    }

    private func loadSides(settings: ComparisonSettings) throws -> SidePair<[ComparedSeries]> {
        let selectors = try match.map { text in
            do { return try SeriesSelector(parsing: text) } catch { throw CompareInputError("--match \(text): \(error)") }
        }
        if let baselineInput, let candidateInput {
            return SidePair(baseline: try BackfillSeries.read(baselineInput, selectors: selectors, settings: settings),
                            candidate: try BackfillSeries.read(candidateInput, selectors: selectors, settings: settings))
        }
        guard let db, FileManager.default.fileExists(atPath: db) else { throw CompareInputError("no database at \(db ?? "")") }
        var configuration = StoreConfiguration()
        configuration.readOnly = true
        let store: SeriesStore
        do { store = try SeriesStore(path: db, configuration: configuration) } catch { throw CompareInputError("\(db): \(error)") }
        let reader = StoredRuns(store: store, selectors: selectors, settings: settings)
        if let job, let baselineVersion, let candidateVersion {
            return try reader.versions(job: job, baseline: baselineVersion, candidate: candidateVersion)
        }
        return SidePair(
            baseline: try reader.range(fromMs: Self.milliseconds(baselineFrom!)!, toMs: Self.milliseconds(baselineTo!)!),
            candidate: try reader.range(fromMs: Self.milliseconds(candidateFrom!)!, toMs: Self.milliseconds(candidateTo!)!))
    }

    /// RFC 3339 or Unix seconds (fraction allowed), as ms since the epoch.
    static func milliseconds(_ text: String) -> Int64? {
        if let seconds = Double(text), seconds.isFinite { return Int64((seconds * 1000).rounded()) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}

/// Why an input could not be used (exit 2): what and where.
struct CompareInputError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
