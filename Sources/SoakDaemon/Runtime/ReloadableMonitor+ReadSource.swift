import MonitorState
import PromQL
import SoakModel

/// The read API of `soak run` reads the database of the runtime in force; between two runtimes
/// of a reload there is none, and queries answer `unavailable` (503) as Prometheus does while
/// its storage is not ready.
extension ReloadableMonitor: PrometheusReadSource {
    public func fetch(_ selections: [Selection]) async throws(PromQLError) -> [[Series]] {
        try await database().fetch(selections)
    }

    public func series(matching selectors: [[LabelMatcher]], startMs: Int64, endMs: Int64) async throws(PromQLError) -> [Labels] {
        try await database().series(matching: selectors, startMs: startMs, endMs: endMs)
    }

    public func metadata() async -> [String: [MetricMetadata]] {
        await runtime?.database.metadata() ?? [:]
    }

    private func database() throws(PromQLError) -> MonitorDatabase {
        guard let database = runtime?.database else {
            throw PromQLError(.unavailable, "the monitor is starting or reloading its configuration; retry")
        }
        return database
    }
}
