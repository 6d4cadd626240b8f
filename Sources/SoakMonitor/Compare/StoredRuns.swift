import LeakDetection
import SeriesStore
import SoakModel

/// The store side of `soak compare`: series and their samples for a time range, or for the spans
/// during which a job's targets reported a version (from the version markers `soak run` records).
struct StoredRuns {
    let store: SeriesStore
    let selectors: [SeriesSelector]
    let settings: ComparisonSettings

    /// Every series in [fromMs, toMs] that a selector matches (with its limit and start-time siblings).
    func range(fromMs: Int64, toMs: Int64) throws -> [ComparedSeries] {
        let recorded = try read(refs: candidateRefs(), spans: { _ in [(fromMs, toMs)] })
        let series = RecordedSeries.compared(recorded, version: nil, settings: settings)
        guard !series.isEmpty else { throw CompareInputError("no matching series with samples between \(fromMs) and \(toMs) ms") }
        return series
    }

    /// The baseline and candidate of `job`: for each of its targets, the spans from a version
    /// marker naming the version to the target's next version marker.
    func versions(job: String, baseline: String, candidate: String) throws -> SidePair<[ComparedSeries]> {
        let markers: [Marker]
        do { markers = try store.markers(kind: .versionChange) } catch { throw CompareInputError("reading version markers: \(error)") }
        let prefix = job + "/"
        let jobMarkers = markers.filter { $0.target.hasPrefix(prefix) }
        let held = Array(Set(jobMarkers.map(\.detail))).sorted()
        guard !jobMarkers.isEmpty else {
            let jobs = Set(markers.compactMap { $0.target.split(separator: "/", maxSplits: 1).first.map(String.init) }).sorted()
            throw CompareInputError("no version markers for job \(job); jobs with version markers: \(jobs.isEmpty ? "none" : jobs.joined(separator: ", "))")
        }
        for version in [baseline, candidate] where !held.contains(version) {
            throw CompareInputError("version \(version) was never reported by job \(job); the store holds: \(held.joined(separator: ", "))")
        }
        var spansByInstance: [String: [(version: String, fromMs: Int64, toMs: Int64)]] = [:]
        let byTarget = Dictionary(grouping: jobMarkers, by: \.target)
        for (target, list) in byTarget {
            let sorted = list.sorted { $0.timestampMs < $1.timestampMs }
            let instance = String(target.dropFirst(prefix.count))
            for (i, marker) in sorted.enumerated() {
                let end = i + 1 < sorted.count ? sorted[i + 1].timestampMs - 1 : .max
                spansByInstance[instance, default: []].append((marker.detail, marker.timestampMs, end))
            }
        }
        let refs = try candidateRefs().filter { $0.key.value(of: "job") == job }
        func side(_ version: String) throws -> [ComparedSeries] {
            let recorded = try read(refs: refs) { ref in
                (spansByInstance[ref.key.value(of: "instance")] ?? []).filter { $0.version == version }.map { ($0.fromMs, $0.toMs) }
            }
            return RecordedSeries.compared(recorded, version: version, settings: settings)
        }
        let sides = SidePair(baseline: try side(baseline), candidate: try side(candidate))
        for (name, list) in [("baseline", sides.baseline), ("candidate", sides.candidate)] where list.isEmpty {
            throw CompareInputError("no matching series of job \(job) has samples while it reported the \(name) version")
        }
        return sides
    }

    /// The selected series plus every limit and start-time series (needed as siblings).
    private func candidateRefs() throws -> [SeriesRef] {
        let all = store.series(matching: .all)
        guard !selectors.isEmpty else { return all }
        return all.filter { ref in
            selectors.contains { $0.matches(ref.key) } || settings.classifier.isLimitMetric(ref.key.metric)
                || ref.key.metric == DetectorBank.startTimeMetric
        }
    }

    private func read(refs: [SeriesRef], spans: (SeriesRef) -> [(Int64, Int64)]) throws -> [RecordedSeries] {
        var recorded: [RecordedSeries] = []
        for ref in refs {
            // One recorded series per span: a span is one run of one version.
            for (fromMs, toMs) in spans(ref) {
                let samples: SeriesSamples
                do { samples = try store.samples(of: ref.id, fromMs: fromMs, toMs: toMs) } catch {
                    throw CompareInputError("reading \(ref.key): \(error)")
                }
                guard !samples.timestampsMs.isEmpty else { continue }
                recorded.append(RecordedSeries(key: ref.key, timestampsMs: samples.timestampsMs,
                                               values: samples.values))
            }
        }
        return recorded
    }
}
