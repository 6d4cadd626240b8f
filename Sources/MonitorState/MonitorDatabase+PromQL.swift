import PromQL
import SeriesStore
import SoakModel

/// The read API's view of the store: selections are answered inside the actor (decoding
/// chunks only) and evaluated by the caller outside it, so queries never hold up ingestion.
extension MonitorDatabase: PrometheusReadSource {
    public func fetch(_ selections: [Selection]) throws(PromQLError) -> [[Series]] {
        var out: [[Series]] = []
        for selection in selections {
            var rows: [Series] = []
            let selector = Self.storeSelector(selection.matchers)
            do {
                for stored in try store.samples(matching: selector, fromMs: selection.startMs, toMs: selection.endMs) {
                    let labels = Self.labels(of: stored.series.key)
                            guard LabelMatcher.allMatch(selection.matchers, match: labels) else { continue }
                    var points: [Point] = []
                    points.reserveCapacity(stored.count)
                    for index in 0..<stored.count {
                        points.append(Point(stored.timestampsMs[index], stored.values[index]))
                    }
                    rows.append(Series(labels, points))
                }
            } catch {
                throw PromQLError(.internal, "reading the series store: \(error)")
            }
            out.append(rows.sorted { $0.labels < $1.labels })
        }
        return out
    }

    public func series(matching selectors: [[LabelMatcher]], startMs: Int64, endMs: Int64) throws(PromQLError) -> [Labels] {
        var found = Set<Labels>()
        for matchers in selectors.isEmpty ? [[]] : selectors {
            let selector = Self.storeSelector(matchers)
            for ref in store.series(matching: selector) {
                let labels = Self.labels(of: ref.key)
                guard LabelMatcher.allMatch(matchers, match: labels) else { continue }
                // Only series with samples in the range, as Prometheus answers.
                if startMs > Int64.min / 4 || endMs < Int64.max / 4 {
                    guard let samples = try? store.samples(of: ref.id, fromMs: startMs, toMs: endMs), samples.count > 0 else { continue }
                }
                found.insert(labels)
            }
        }
        return found.sorted()
    }

    public func metadata() -> [String: [MetricMetadata]] {
        var out: [String: [MetricMetadata]] = [:]
        for (name, family) in store.metricFamilies {
            out[name] = [MetricMetadata(type: family.type, help: family.help ?? "", unit: family.unit ?? "")]
        }
        return out
    }

    /// What the store can narrow by itself: the exact metric name when a matcher pins it (its
    /// name index); PromQL's matchers then decide on every label.
    private static func storeSelector(_ matchers: [LabelMatcher]) -> SeriesSelector {
        if let name = matchers.first(where: { $0.name == Labels.metricName && $0.op == .equal })?.value {
            return .metric(name)
        }
        return .all
    }

    private static func labels(of key: SeriesKey) -> Labels {
        Labels([Label(Labels.metricName, key.metric)] + key.labels.map { Label($0.name, $0.value) })
    }
}
