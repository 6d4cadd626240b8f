import SoakModel
import ArgumentParser
import Foundation
import LeakDetection
import MetricsScrape

/// `soak analyze`: replays a recorded OpenMetrics backfill file through the streaming leak
/// detector — the same `DetectorBank` the daemon uses — and reports each watched series.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Replays an OpenMetrics backfill file through the leak detector and reports every watched series.",
        discussion: """
        The input is what `promtool tsdb create-blocks-from openmetrics` reads: OpenMetrics 1.0
        text whose samples all carry timestamps (seconds), each series' samples contiguous, ending
        in `# EOF`. All samples are replayed in timestamp order, one at a time, through exactly
        the streaming detector the daemon runs, so `firstAlertAt` is when the daemon would have
        alerted had it been watching live.

        Watched by default: process_resident_memory_bytes, go_memstats_heap_inuse_bytes,
        container_memory_working_set_bytes and other memory gauges, process_open_fds,
        go_goroutines, go_threads (--watch-all adds every other series as `other`).
        process_max_fds and container_spec_memory_limit_bytes with the same labels give the
        exhaustion projection; a change of process_start_time_seconds starts a new segment.

        Exit status: 0 when the replay ran, whatever it found; with --fail-on leak, 1 when any
        series was alerted as a leak (also one that later resolved); with --fail-on suspect, 1
        when any series was alerted or ends suspect — so a CI job can gate on it.

        In the text table, GROWTH is the robust growth of the latest window. Rows judged ok show
        "n.s." when that growth is not significant, and the figure in parentheses when it is but
        was judged not a leak (a warm-up, a step, a cycle).

        Examples:
          soak analyze --input soak-week.om
          soak analyze --input soak-week.om --fail-on leak
          soak analyze --input corpus.om --format json | jq '.series[] | select(.verdict == "leak")'
        """
    )

    /// How the report is printed.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// The verdict that makes `soak analyze` exit 1.
    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        /// Any series alerted as a leak during the replay.
        case leak
        /// Any leak alert, or a series that ends the replay suspect.
        case suspect
    }

    @Option(help: "OpenMetrics backfill file to replay.")
    var input: String

    @Option(help: "Report format: text (a table) or json ({\"series\": [...]}).")
    var format: OutputFormat = .text

    @Flag(help: "Also watch series whose metric name is not a known memory/fd/goroutine/thread metric.")
    var watchAll = false

    @Option(help: "Exit 1 when a verdict this bad is found: leak (any leak alert) or suspect (any leak alert or suspect series).")
    var failOn: FailOn?

    @Flag(help: "Use the time-compressed configuration (1-s scrapes, windows of minutes) for demo data.")
    var timeCompressed = false

    func run() throws {
        let bytes = try InputFailure.read(input)
        let parsed: ParsedExposition
        do {
            parsed = try ExpositionParser.parse(bytes, format: .openMetrics)
        } catch {
            throw InputFailure.report(["\(input):\(error.line):\(error.column): \(error.reason)"])
        }
        let replay = try Replay(samples: parsed.samples, configuration: timeCompressed ? .timeCompressed : .init(),
                                watchesUnclassified: watchAll, file: input)
        switch format {
        case .json: print(try replay.json())
        case .text: print(replay.table())
        }
        if let failOn, replay.trips(failOn) { throw ExitCode(1) }
    }
}

/// The outcome of replaying a file: the bank after the last sample and each series' first alert.
struct Replay {
    let bank: DetectorBank
    let firstAlertMs: [Int: Int64]

    init(samples: [Sample], configuration: DetectorConfiguration, watchesUnclassified: Bool, file: String) throws {
        var bank = DetectorBank(configuration: configuration, watchesUnclassified: watchesUnclassified)
        var handles: [SeriesHandle] = []
        handles.reserveCapacity(samples.count)
        var order: [Int] = []
        order.reserveCapacity(samples.count)
        var timestamps: [Int64] = []
        timestamps.reserveCapacity(samples.count)
        var lastKeyName = ""
        var lastLabels: [Label] = []
        var lastHandle: SeriesHandle?
        for (i, sample) in samples.enumerated() {
            guard let timestampMs = sample.timestampMs else {
                throw InputFailure.report(["\(file): sample \(i + 1) (\(sample.name)) has no timestamp; a backfill file needs one on every sample"])
            }
            // Series are contiguous in a backfill file: resolve the key only when it changes.
            if let handle = lastHandle, sample.name == lastKeyName, sample.labels == lastLabels {
                handles.append(handle)
            } else {
                let handle = bank.handle(for: SeriesKey(metric: sample.name, labels: sample.labels))
                handles.append(handle)
                lastHandle = handle
                lastKeyName = sample.name
                lastLabels = sample.labels
            }
            timestamps.append(timestampMs)
            order.append(i)
        }
        // Timestamp order across series, file order within a timestamp: what a scraper delivers.
        order.sort { timestamps[$0] != timestamps[$1] ? timestamps[$0] < timestamps[$1] : $0 < $1 }
        var firstAlertMs: [Int: Int64] = [:]
        for i in order {
            guard let (series, event) = bank.observe(handles[i], timestampMs: timestamps[i], value: samples[i].value)
            else { continue }
            if case .leakAlert = event, firstAlertMs[series] == nil { firstAlertMs[series] = timestamps[i] }
        }
        self.bank = bank
        self.firstAlertMs = firstAlertMs
    }

    /// One report row per watched series, leaks first.
    struct Row {
        var labels: [String: String]
        var resource: ResourceKind
        var verdict: String
        var firstAlertAt: Double?
        var assessment: LeakAssessment?
    }

    var rows: [Row] {
        (0..<bank.watchedCount).map { index in
            let detector = bank.detector(index)
            let key = bank.watchedKeys[index]
            var labels = Dictionary(key.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            labels["__name__"] = key.metric
            // The JSON contract knows ok/suspect/leak: a resolved leak is ok again.
            let verdict = detector.verdict == .resolved ? LeakVerdict.ok : detector.verdict
            var assessment = detector.currentAssessment()
            // The latest judgement's reason to wait (the on-demand assessment does not judge).
            if detector.verdict == .suspect {
                assessment?.possibleWarmUpTimeConstantSeconds = detector.lastAssessment?.possibleWarmUpTimeConstantSeconds
            }
            return Row(labels: labels, resource: detector.resource, verdict: verdict.rawValue,
                       firstAlertAt: firstAlertMs[index].map { Double($0) / 1000 }, assessment: assessment)
        }.sorted { lhs, rhs in
            let rank = ["leak": 0, "suspect": 1, "ok": 2]
            if lhs.verdict != rhs.verdict { return rank[lhs.verdict, default: 3] < rank[rhs.verdict, default: 3] }
            return Self.seriesName(lhs.labels) < Self.seriesName(rhs.labels)
        }
    }

    static func seriesName(_ labels: [String: String]) -> String {
        let name = labels["__name__"] ?? ""
        let rest = labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
        return rest.isEmpty ? name : "\(name){\(rest.joined(separator: ","))}"
    }

    /// True when the replay found a verdict at least as bad as `failOn`: a leak alert (a leak
    /// that later resolved counts: the run leaked), or for `.suspect` also a series ending suspect.
    func trips(_ failOn: AnalyzeCommand.FailOn) -> Bool {
        let leaked = !firstAlertMs.isEmpty || rows.contains { $0.verdict == LeakVerdict.leak.rawValue }
        switch failOn {
        case .leak: return leaked
        case .suspect: return leaked || rows.contains { $0.verdict == LeakVerdict.suspect.rawValue }
        }
    }

    /// The GROWTH cell: the figure for leak and suspect rows; for ok rows "n.s." when the rise is
    /// not significant, and the figure in parentheses when it is significant but was judged not
    /// a leak — an ok row must not read like an alarm.
    static func growthCell(_ row: Row, suspectZ: Double) -> String {
        guard let a = row.assessment else { return "-" }
        let figure = String(format: "%+.2f", a.growthPercentPerHour)
        guard row.verdict == LeakVerdict.ok.rawValue else { return figure }
        return a.trendZ >= suspectZ && a.growthPercentPerHour > 0 ? "(\(figure))" : "n.s."
    }

    /// Why a suspect row waits, when it does: growth a warm-up could still explain.
    static func waitingNote(_ row: Row) -> String {
        guard row.verdict == LeakVerdict.suspect.rawValue,
              let tau = row.assessment?.possibleWarmUpTimeConstantSeconds else { return "" }
        return "  (waiting: may still be a warm-up levelling off, τ ≈ \(String(format: "%.1f", tau / 3600)) h)"
    }

    func json() throws -> String {
        let series: [[String: Any]] = rows.map { row in
            let a = row.assessment
            return [
                "labels": row.labels,
                "resource": row.resource.rawValue,
                "verdict": row.verdict,
                "firstAlertAt": row.firstAlertAt.map { $0 as Any } ?? NSNull(),
                "slopePerHour": a.map { $0.slopePerHour as Any } ?? NSNull(),
                "growthPercentPerHour": a.map { $0.growthPercentPerHour as Any } ?? NSNull(),
                "confidence": a.map { $0.confidence as Any } ?? NSNull(),
                "onsetAt": a.map { Double($0.onsetMs) / 1000 as Any } ?? NSNull(),
                "windowSeconds": a.map { $0.windowSeconds as Any } ?? NSNull(),
                "projectedExhaustionAt": a?.projectedExhaustionMs.map { Double($0) / 1000 as Any } ?? NSNull(),
                // Why a suspect is not (yet) a leak: a warm-up with this τ still explains it.
                "waitingForWarmUpSeconds": a?.possibleWarmUpTimeConstantSeconds.map { $0 as Any } ?? NSNull(),
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["series": series], options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func table() -> String {
        let formatter = ISO8601DateFormatter()
        func time(_ seconds: Double?) -> String {
            seconds.map { formatter.string(from: Date(timeIntervalSince1970: $0)) } ?? "-"
        }
        func number(_ value: Double?, _ digits: Int) -> String {
            value.map { String(format: "%.\(digits)f", $0) } ?? "-"
        }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        var lines = [pad("VERDICT", 9) + pad("RESOURCE", 12) + pad("GROWTH %/h", 12) + pad("CONF", 6)
                     + pad("FIRST ALERT", 22) + pad("EXHAUSTED AT", 22) + "SERIES"]
        for row in rows {
            lines.append(pad(row.verdict, 9) + pad(row.resource.rawValue, 12)
                         + pad(Self.growthCell(row, suspectZ: bank.configuration.suspectZ), 12)
                         + pad(number(row.assessment?.confidence, 2), 6)
                         + pad(time(row.firstAlertAt), 22)
                         + pad(time(row.assessment?.projectedExhaustionMs.map { Double($0) / 1000 }), 22)
                         + Self.seriesName(row.labels) + Self.waitingNote(row))
        }
        let leaks = rows.filter { $0.verdict == "leak" }.count
        let suspects = rows.filter { $0.verdict == "suspect" }.count
        lines.append("\(rows.count) series watched: \(leaks) leak, \(suspects) suspect, \(rows.count - leaks - suspects) ok")
        if rows.contains(where: { Self.growthCell($0, suspectZ: bank.configuration.suspectZ).hasPrefix("(") }) {
            lines.append("growth in parentheses: a significant rise judged not a leak (warm-up, step or cycle); n.s.: not significant")
        }
        return lines.joined(separator: "\n")
    }
}
