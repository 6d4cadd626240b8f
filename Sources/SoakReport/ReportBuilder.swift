import Foundation
import LeakDetection
import MonitorState
import SeriesStore
import SoakModel

/// Reads what a report shows from a store: the covered series, the findings the daemon recorded
/// and — for every watched series without one — the detector replayed over its stored samples,
/// the components' small multiples, scrape health, markers and evidence.
///
/// Series are read one at a time, so memory stays at one series' samples plus the chart data.
public struct ReportBuilder {
    /// Chart widths in points: the x resolution worth reading from the store.
    static let findingChartPoints: Int64 = 600
    static let panelChartPoints: Int64 = 120

    public let store: SeriesStore
    public let request: ReportRequest

    public init(store: SeriesStore, request: ReportRequest) {
        self.store = store
        self.request = request
    }

    /// The replay of one watched series.
    private struct Replayed {
        var ref: SeriesRef
        var resource: ResourceKind
        var replay: JudgedLevelReplay
        var limit: Double?
    }

    /// Builds the model. Throws ``ReportError`` when the store fails or holds no samples in range.
    public func build() throws(ReportError) -> ReportModel {
        do {
            return try buildModel()
        } catch let error as ReportError {
            throw error
        } catch let error as StoreError {
            throw ReportError(error)
        } catch {
            throw ReportError(kind: .output, message: "\(error)")
        }
    }

    private func buildModel() throws -> ReportModel {
        let covered = store.series(matching: .all).filter { ref in
            request.jobs.isEmpty || request.jobs.contains(ref.key.value(of: "job"))
        }
        let markers = try store.markers(fromMs: request.fromMs, toMs: request.toMs)
            .filter { request.jobs.isEmpty || request.jobs.contains(Self.job(ofTarget: $0.target)) }

        // Pass 1: replay the detector over every watched series (its samples are read once).
        var replayed: [Replayed] = []
        var spanFrom = Int64.max, spanTo = Int64.min, sampleCount = 0
        for ref in covered {
            guard let resource = request.classifier.kind(of: ref.key.metric) else { continue }
            let samples = try store.samples(of: ref.id, fromMs: request.fromMs, toMs: request.toMs)
            guard let first = samples.timestampsMs.first, let last = samples.timestampsMs.last else { continue }
            spanFrom = min(spanFrom, first)
            spanTo = max(spanTo, last)
            sampleCount += samples.count
            let component = Self.componentKey(ref.key)
            let breaks = markers.filter { $0.target == component }.compactMap(Self.boundary)
            let limit = try limitValue(for: ref.key)
            let replay = JudgedLevelReplay(timestampsMs: samples.timestampsMs, values: samples.values, resource: resource,
                                           configuration: request.detector, limit: limit, breaks: breaks)
            replayed.append(Replayed(ref: ref, resource: resource, replay: replay, limit: limit))
        }
        if spanFrom == .max {
            // No watched series: the span of whatever is stored, from coarse rollups.
            for rollup in try store.rollups(matching: .all, fromMs: max(request.fromMs, 0), toMs: request.toMs,
                                            stepMs: StoreConfiguration.rollupBucketMs)
            where request.jobs.isEmpty || request.jobs.contains(rollup.series.key.value(of: "job")) {
                if let first = rollup.buckets.first { spanFrom = min(spanFrom, first.startMs) }
                if let last = rollup.buckets.last { spanTo = max(spanTo, last.startMs + StoreConfiguration.rollupBucketMs) }
            }
        }
        guard spanFrom <= spanTo else {
            throw ReportError(kind: .badInput, message: "\(store.path): no samples in the requested range"
                              + (request.jobs.isEmpty ? "" : " for job \(request.jobs.joined(separator: ", "))"))
        }

        let findings = try collectFindings(replayed: replayed, markers: markers, spanFromMs: spanFrom, spanToMs: spanTo)
        let components = try collectComponents(covered: covered, markers: markers, findings: findings,
                                               spanFromMs: spanFrom, spanToMs: spanTo)
        let comparison = try request.comparison.map { document in
            ReportComparison(document: document, overlays: try document.rows.map { try overlay(for: $0, in: document) })
        }
        return ReportModel(
            title: request.title, generatedAtMs: request.generatedAtMs, spanFromMs: spanFrom, spanToMs: spanTo,
            seriesCount: covered.count, sampleCount: sampleCount, components: components,
            versionChanges: markers.filter { $0.kind == .versionChange },
            restarts: markers.filter { $0.kind == .restart },
            scrapeHealth: try jobHealth(), findings: findings, comparison: comparison,
            findingsReplayedOnly: !findings.contains { $0.source == .recorded })
    }

    // MARK: Findings

    private func collectFindings(replayed: [Replayed], markers: [Marker], spanFromMs: Int64,
                                 spanToMs: Int64) throws -> [ReportFinding] {
        let step = Self.stepMs(spanMs: spanToMs - spanFromMs, points: Self.findingChartPoints)
        let recorded = try store.findings().filter { record in
            record.onsetMs <= request.toMs && (record.resolvedMs ?? .max) >= request.fromMs
                && (request.jobs.isEmpty || request.jobs.contains(record.series.value(of: "job")))
        }
        var out: [ReportFinding] = []
        var replayCount = 0
        for entry in replayed {
            let identity = Self.withoutVersion(entry.ref.key)
            let records = recorded.filter { $0.series == identity && $0.resource == entry.resource }
            let episodes = entry.replay.episodes
            guard !records.isEmpty || !episodes.isEmpty else { continue }
            let buckets = try store.rollups(matching: Self.exact(entry.ref.key), fromMs: spanFromMs, toMs: spanToMs,
                                            stepMs: step).first?.buckets ?? []
            func chart(windowStartMs: Int64, slopePerHour: Double) -> FindingChartData {
                let (levelTimes, levels) = (entry.replay.levelTimestampsMs, entry.replay.levels)
                return FindingChartData(
                    buckets: buckets, levelTimestampsMs: levelTimes, levels: levels,
                    boundaries: entry.replay.boundaries.filter { $0.reason != .firstSample },
                    trendStartValue: GrowthInterval.intercept(times: levelTimes, levels: levels,
                                                              fromMs: windowStartMs, slopePerHour: slopePerHour),
                    isBytes: entry.resource == .memory)
            }
            func interval(fromMs: Int64, toMs: Int64) -> ClosedRange<Double>? {
                GrowthInterval.percentPerHour(times: entry.replay.levelTimestampsMs, levels: entry.replay.levels,
                                              fromMs: fromMs, toMs: toMs)
            }
            if !records.isEmpty {
                for record in records {
                    // The replayed episode closest to the recorded onset supplies the window.
                    let episode = episodes.min { abs($0.alert.onsetMs - record.onsetMs) < abs($1.alert.onsetMs - record.onsetMs) }
                    let windowStart = episode?.latest.windowStartMs ?? record.onsetMs
                    out.append(ReportFinding(
                        anchor: "F\(record.id)", source: .recorded, series: entry.ref.key,
                        component: Self.componentKey(entry.ref.key), resource: record.resource, state: record.state,
                        onsetMs: record.onsetMs, alertMs: record.firstAlertMs, resolvedMs: record.resolvedMs,
                        judgedMs: record.judgedMs, slopePerHour: record.slopePerHour,
                        growthPercentPerHour: record.growthPercentPerHour,
                        growthInterval: interval(fromMs: windowStart, toMs: record.judgedMs),
                        confidence: record.confidence, exhaustionMs: record.exhaustionMs, limit: entry.limit,
                        version: record.version, windowStartMs: windowStart,
                        evidence: try writeEvidence(findingID: record.id),
                        rootCauses: try store.rootCauses(findingID: record.id, onsetMs: record.onsetMs),
                        chart: chart(windowStartMs: windowStart, slopePerHour: record.slopePerHour)))
                }
                continue
            }
            for episode in episodes {
                replayCount += 1
                let latest = episode.latest
                let windowEnd = latest.windowStartMs + Int64(latest.windowSeconds * 1000)
                out.append(ReportFinding(
                    anchor: "R\(replayCount)", source: .replayed, series: entry.ref.key,
                    component: Self.componentKey(entry.ref.key), resource: entry.resource,
                    state: episode.isResolved ? .resolved : .firing, onsetMs: episode.alert.onsetMs,
                    alertMs: episode.alert.judgedAtMs, resolvedMs: episode.isResolved ? latest.judgedAtMs : nil,
                    judgedMs: latest.judgedAtMs, slopePerHour: latest.slopePerHour,
                    growthPercentPerHour: latest.growthPercentPerHour,
                    growthInterval: interval(fromMs: latest.windowStartMs, toMs: windowEnd),
                    confidence: latest.confidence, exhaustionMs: latest.projectedExhaustionMs, limit: entry.limit,
                    version: entry.ref.key.value(of: "version").nilIfEmpty, windowStartMs: latest.windowStartMs,
                    evidence: [], chart: chart(windowStartMs: latest.windowStartMs, slopePerHour: latest.slopePerHour)))
            }
        }
        return out.sorted { ($0.state == .firing ? 0 : 1, $0.onsetMs) < ($1.state == .firing ? 0 : 1, $1.onsetMs) }
    }

    /// Writes a finding's stored evidence beside the report and returns the links.
    private func writeEvidence(findingID: Int64) throws -> [EvidenceLink] {
        try store.evidence(findingID: findingID).map { listed in
            let name = Self.fileSafe(listed.name)
            guard listed.error == nil, listed.byteCount > 0 else {
                return EvidenceLink(name: listed.name, href: nil, byteCount: 0,
                                    note: listed.error ?? "empty (HTTP \(listed.httpStatus))")
            }
            guard let directory = request.evidenceDirectory,
                  let full = try store.evidence(id: listed.id), let data = full.data else {
                return EvidenceLink(name: listed.name, href: nil, byteCount: listed.byteCount,
                                    note: "stored in the database (evidence id \(listed.id))")
            }
            let fileName = "finding-\(findingID)-\(name)-\(listed.id)" + Self.fileExtension(contentType: listed.contentType)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Data(data).write(to: directory.appendingPathComponent(fileName))
            } catch {
                throw ReportError(kind: .output, message: "\(directory.path)/\(fileName): \(error.localizedDescription)")
            }
            let prefix = request.evidenceLink.isEmpty ? "" : request.evidenceLink + "/"
            return EvidenceLink(name: listed.name, href: prefix + fileName, byteCount: data.count, note: nil)
        }
    }

    // MARK: Components

    private func collectComponents(covered: [SeriesRef], markers: [Marker], findings: [ReportFinding],
                                   spanFromMs: Int64, spanToMs: Int64) throws -> [ReportComponent] {
        let step = Self.stepMs(spanMs: spanToMs - spanFromMs, points: Self.panelChartPoints)
        let byComponent = Dictionary(grouping: covered) { Self.componentKey($0.key) }
        let findingSeries = Set(findings.map(\.series))
        return try byComponent.keys.sorted().map { key in
            let refs = byComponent[key]!
            var panels: [ComponentPanel] = []
            for kind in PanelKind.allCases {
                guard let ref = kind.metrics.lazy.compactMap({ metric in refs.first { $0.key.metric == metric } }).first,
                      let rollup = try store.rollups(matching: Self.exact(ref.key), fromMs: spanFromMs, toMs: spanToMs,
                                                     stepMs: step).first
                else { continue }
                panels.append(ComponentPanel(kind: kind, series: ref.key, buckets: rollup.buckets,
                                             hasFinding: findingSeries.contains(ref.key)))
            }
            let own = markers.filter { $0.target == key }
            var versions: [String] = []
            for marker in own where marker.kind == .versionChange && !versions.contains(marker.detail) {
                versions.append(marker.detail)
            }
            let sample = refs[0].key
            return ReportComponent(key: key, job: sample.value(of: "job"), instance: sample.value(of: "instance"),
                                   seriesCount: refs.count, versions: versions,
                                   restartCount: own.filter { $0.kind == .restart }.count, panels: panels)
        }
    }

    // MARK: Scrape health

    private func jobHealth() throws -> [JobHealth] {
        var byJob: [String: JobHealth] = [:]
        var targetsByJob: [String: Set<String>] = [:]
        for row in try store.scrapeHealth(fromMs: request.fromMs, toMs: request.toMs) {
            let job = Self.job(ofTarget: row.target)
            guard request.jobs.isEmpty || request.jobs.contains(job) else { continue }
            var health = byJob[job] ?? JobHealth(job: job, targets: 0, scrapes: 0, failures: 0, lastError: nil)
            health.scrapes += 1
            if !row.up {
                health.failures += 1
                health.lastError = row.error ?? health.lastError
            }
            byJob[job] = health
            targetsByJob[job, default: []].insert(row.target)
        }
        return byJob.keys.sorted().map { job in
            var health = byJob[job]!
            health.targets = targetsByJob[job]?.count ?? 0
            return health
        }
    }

    // MARK: Comparison

    /// Both sides' series of a compared row, as hours since each side's start.
    private func overlay(for row: ComparisonDocument.Row, in document: ComparisonDocument) throws -> ComparisonOverlay? {
        guard let baseFrom = document.baseline.from?.ms, let baseTo = document.baseline.to?.ms,
              let candFrom = document.candidate.from?.ms, let candTo = document.candidate.to?.ms else { return nil }
        let ignored: Set<String> = ["instance", "pod", "node", "version"]
        let refs = store.series(matching: .metric(row.metric)).filter { ref in
            row.labels.allSatisfy { name, value in ignored.contains(name) || ref.key.value(of: name) == value }
        }
        guard !refs.isEmpty else { return nil }
        func side(fromMs: Int64, toMs: Int64) throws -> [[(hours: Double, value: Double)]] {
            let step = Self.stepMs(spanMs: toMs - fromMs, points: Self.findingChartPoints)
            return try refs.compactMap { ref in
                guard let rollup = try store.rollups(matching: Self.exact(ref.key), fromMs: fromMs, toMs: toMs,
                                                     stepMs: step).first else { return nil }
                return rollup.buckets.map { (Double($0.startMs - fromMs) / 3_600_000, $0.mean) }
            }
        }
        let baseline = try side(fromMs: baseFrom, toMs: baseTo)
        let candidate = try side(fromMs: candFrom, toMs: candTo)
        guard !baseline.isEmpty || !candidate.isEmpty else { return nil }
        return ComparisonOverlay(baseline: baseline, candidate: candidate)
    }

    // MARK: Helpers

    /// The value of the series' limit metric (same labels), when the classifier names one.
    private func limitValue(for key: SeriesKey) throws -> Double? {
        guard let limitMetric = request.classifier.limitMetric(for: key.metric),
              let ref = store.series(matching: .metric(limitMetric)).first(where: { $0.key.labels == key.labels }),
              let lastMs = store.lastTimestampMs(of: ref.id) else { return nil }
        return try store.samples(of: ref.id, fromMs: lastMs, toMs: lastMs).values.last
    }

    /// A chart step of about `spanMs / points`: whole seconds, whole 5-minute buckets from 5
    /// minutes up (so the store answers from its stored rollups).
    static func stepMs(spanMs: Int64, points: Int64) -> Int64 {
        let raw = max(1000, spanMs / max(1, points))
        let bucket = StoreConfiguration.rollupBucketMs
        if raw >= bucket { return (raw + bucket - 1) / bucket * bucket }
        return (raw + 999) / 1000 * 1000
    }

    static func exact(_ key: SeriesKey) -> SeriesSelector {
        // Label names and values come from the store itself, so the matchers are always valid.
        let matchers = [try! LabelMatcher("__name__", .equal, key.metric)]
            + key.labels.map { try! LabelMatcher($0.name, .equal, $0.value) }
        return SeriesSelector(matchers: matchers)
    }

    /// `job/instance`, as the daemon names targets in markers and scrape health.
    static func componentKey(_ key: SeriesKey) -> String { "\(key.value(of: "job"))/\(key.value(of: "instance"))" }

    static func job(ofTarget target: String) -> String {
        target.firstIndex(of: "/").map { String(target[..<$0]) } ?? target
    }

    static func withoutVersion(_ key: SeriesKey) -> SeriesKey {
        SeriesKey(metric: key.metric, labels: key.labels.filter { $0.name != "version" })
    }

    static func boundary(_ marker: Marker) -> JudgedLevelReplay.Boundary? {
        switch marker.kind {
        case .restart: JudgedLevelReplay.Boundary(timestampMs: marker.timestampMs, reason: .restart)
        case .versionChange: JudgedLevelReplay.Boundary(timestampMs: marker.timestampMs, reason: .versionChange,
                                                         version: marker.detail)
        case .other: nil
        }
    }

    /// Letters, digits, `-` and `_` only: an evidence name becomes part of a file name and a link.
    static func fileSafe(_ name: String) -> String {
        let kept = name.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_"))
                ? Character(scalar) : "_"
        }
        return String(kept.prefix(40))
    }

    static func fileExtension(contentType: String?) -> String {
        guard let type = contentType?.lowercased() else { return ".bin" }
        if type.hasPrefix("text/") { return ".txt" }
        if type.contains("json") { return ".json" }
        return ".pb.gz"
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
