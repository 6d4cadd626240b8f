import Foundation
import PromQL
import SoakModel

/// The Prometheus-compatible read API (`/api/v1/query`, `query_range`, `series`, `labels`,
/// `label/NAME/values`, `metadata`, `status/buildinfo`, `targets`): Prometheus' parameters, JSON
/// shapes, error format and status codes, answered from a `PrometheusReadSource`.
///
/// Transport-free: ``handle(_:_:)`` takes the endpoint and the merged query/form parameters and
/// returns status and JSON, so the routes stay thin and the behaviour is testable without a socket.
/// Reads never write: a failed or malformed query changes nothing stored.
public struct PrometheusAPI: Sendable {
    /// The endpoints, as in Prometheus' `web/api/v1`.
    public enum Endpoint: Sendable, Equatable {
        case query, queryRange, series, labels, labelValues(String), metadata, buildInfo, targets
    }

    /// A finished answer: HTTP status and JSON body.
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    public let source: any PrometheusReadSource
    private let targets: @Sendable () async -> [TargetSnapshot]
    private let version: String
    private let nowMs: @Sendable () -> Int64
    /// Prometheus' `--query.lookback-delta` (5 min).
    public var lookbackDeltaMs: Int64 = 300_000
    /// Prometheus refuses range queries of more than 11,000 points per series.
    public var maxPointsPerSeries: Int64 = 11_000

    /// - Parameter version: what `/api/v1/status/buildinfo` reports as `version`: the Prometheus
    ///   release whose API and PromQL semantics this emulates, so Grafana picks matching features
    ///   (`application` says it is SoakMonitor).
    public init(source: any PrometheusReadSource, version: String = "2.42.0",
                targets: @escaping @Sendable () async -> [TargetSnapshot] = { [] },
                nowMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.source = source
        self.version = version
        self.targets = targets
        self.nowMs = nowMs
    }

    /// Answers one request.
    public func handle(_ endpoint: Endpoint, query: String?, formBody: String?) async -> Answer {
        await handle(endpoint, APIParameters(query: query, formBody: formBody))
    }

    func handle(_ endpoint: Endpoint, _ parameters: APIParameters) async -> Answer {
        do {
            var json = PrometheusJSON()
            json.raw("{\"status\":\"success\",\"data\":")
            switch endpoint {
            case .query: try await instantQuery(parameters, into: &json)
            case .queryRange: try await rangeQuery(parameters, into: &json)
            case .series: try await series(parameters, into: &json)
            case .labels: try await labelNames(parameters, into: &json)
            case .labelValues(let name): try await labelValues(name, parameters, into: &json)
            case .metadata: await metadata(parameters, into: &json)
            case .buildInfo: buildInfo(into: &json)
            case .targets: await targetList(into: &json)
            }
            json.raw("}")
            return Answer(status: 200, body: json.text)
        } catch {
            return Self.errorAnswer(error)
        }
    }

    /// `{"status":"error","errorType":…,"error":…}` with Prometheus' status per type.
    static func errorAnswer(_ error: PromQLError) -> Answer {
        var json = PrometheusJSON()
        json.raw("{\"status\":\"error\",\"errorType\":")
        json.string(error.kind.rawValue)
        json.raw(",\"error\":")
        json.string(error.message)
        json.raw("}")
        let status = switch error.kind {
        case .badData: 400
        case .execution: 422
        case .timeout, .unavailable: 503
        case .internal: 500
        }
        return Answer(status: status, body: json.text)
    }

    // MARK: - Queries

    private func parseQuery(_ parameters: APIParameters) throws(PromQLError) -> Expr {
        guard let text = parameters["query"], !text.isEmpty else {
            throw PromQLError(.badData, "invalid parameter \"query\": 1:1: parse error: no expression found in input")
        }
        do {
            return try Parser.parse(text)
        } catch {
            throw PromQLError(error.kind, "invalid parameter \"query\": \(error.message)",
                              unsupportedConstruct: error.unsupportedConstruct)
        }
    }

    /// Fetches what `expr` needs in one call, then evaluates on the fetched copy.
    private func engine(for expr: Expr, startMs: Int64, endMs: Int64, stepMs: Int64) async throws(PromQLError) -> Engine {
        let planner = Engine(storage: MemoryStorage(), lookbackDeltaMs: lookbackDeltaMs, maxPointsPerSeries: maxPointsPerSeries)
        let selections = planner.selections(for: expr, startMs: startMs, endMs: endMs, stepMs: stepMs)
        let fetched = try await source.fetch(selections)
        return Engine(storage: PrefetchedStorage(selections, fetched), lookbackDeltaMs: lookbackDeltaMs,
                      maxPointsPerSeries: maxPointsPerSeries)
    }

    private func instantQuery(_ parameters: APIParameters, into json: inout PrometheusJSON) async throws(PromQLError) {
        let atMs = try parameters.time("time", default: nowMs())
        _ = try parameters.duration("timeout")
        let expr = try parseQuery(parameters)
        let value = try await engine(for: expr, startMs: atMs, endMs: atMs, stepMs: 0).instantQuery(expr, atMs: atMs)
        json.queryData(value, atMs: atMs)
    }

    private func rangeQuery(_ parameters: APIParameters, into json: inout PrometheusJSON) async throws(PromQLError) {
        let startMs = try parameters.time("start")
        let endMs = try parameters.time("end")
        guard endMs >= startMs else {
            throw PromQLError(.badData, "invalid parameter \"end\": end timestamp must not be before start time")
        }
        guard let stepMs = try parameters.duration("step") else {
            throw PromQLError(.badData, "invalid parameter \"step\": cannot parse \"\" to a valid duration")
        }
        guard stepMs > 0 else {
            throw PromQLError(.badData, "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        // As Prometheus: at most 11,000 points per series, checked before any read.
        guard (endMs - startMs) / stepMs <= maxPointsPerSeries else {
            throw PromQLError(.badData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        _ = try parameters.duration("timeout")
        let expr = try parseQuery(parameters)
        guard expr.type == .scalar || expr.type == .vector else {
            throw PromQLError(.badData, "invalid expression type \"\(expr.type == .matrix ? "range vector" : "string")\" for range query, must be Scalar or instant Vector")
        }
        let series = try await engine(for: expr, startMs: startMs, endMs: endMs, stepMs: stepMs)
            .rangeQuery(expr, startMs: startMs, endMs: endMs, stepMs: stepMs)
        json.raw("{\"resultType\":\"matrix\",\"result\":")
        json.matrix(series)
        json.raw("}")
    }

    // MARK: - Series and labels

    /// `match[]` selectors; each must be an instant vector selector.
    private func selectors(_ parameters: APIParameters) throws(PromQLError) -> [[LabelMatcher]] {
        var out: [[LabelMatcher]] = []
        for text in parameters.all("match[]") {
            let expr: Expr
            do {
                expr = try Parser.parse(text)
            } catch {
                throw PromQLError(.badData, "invalid parameter \"match[]\": \(error.message)")
            }
            guard case .vectorSelector(let selector) = expr.unwrapped else {
                throw PromQLError(.badData, "invalid parameter \"match[]\": \"\(text)\" is not a series selector")
            }
            out.append(selector.matchers)
        }
        return out
    }

    private func timeRange(_ parameters: APIParameters) throws(PromQLError) -> (Int64, Int64) {
        // Prometheus' defaults: the whole time range.
        (try parameters.time("start", default: Int64.min / 4), try parameters.time("end", default: Int64.max / 4))
    }

    private func series(_ parameters: APIParameters, into json: inout PrometheusJSON) async throws(PromQLError) {
        let matchers = try selectors(parameters)
        guard !matchers.isEmpty else { throw PromQLError(.badData, "no match[] parameter provided") }
        let (startMs, endMs) = try timeRange(parameters)
        let found = try await source.series(matching: matchers, startMs: startMs, endMs: endMs)
        json.raw("[")
        for (index, labels) in found.enumerated() {
            if index > 0 { json.raw(",") }
            json.labels(labels)
        }
        json.raw("]")
    }

    private func labelNames(_ parameters: APIParameters, into json: inout PrometheusJSON) async throws(PromQLError) {
        let (startMs, endMs) = try timeRange(parameters)
        let found = try await source.series(matching: try selectors(parameters), startMs: startMs, endMs: endMs)
        stringArray(Set(found.flatMap { $0.labels.map(\.name) }).sorted(), into: &json)
    }

    private func labelValues(_ name: String, _ parameters: APIParameters, into json: inout PrometheusJSON) async throws(PromQLError) {
        guard name == Labels.metricName || Labels.isValidName(name) else {
            throw PromQLError(.badData, "invalid label name: \"\(name)\"")
        }
        let (startMs, endMs) = try timeRange(parameters)
        let found = try await source.series(matching: try selectors(parameters), startMs: startMs, endMs: endMs)
        stringArray(Set(found.map { $0[name] }.filter { !$0.isEmpty }).sorted(), into: &json)
    }

    private func stringArray(_ values: [String], into json: inout PrometheusJSON) {
        json.raw("[")
        for (index, value) in values.enumerated() {
            if index > 0 { json.raw(",") }
            json.string(value)
        }
        json.raw("]")
    }

    // MARK: - Metadata, build info, targets

    private func metadata(_ parameters: APIParameters, into json: inout PrometheusJSON) async {
        var families = await source.metadata()
        if let metric = parameters["metric"], !metric.isEmpty { families = families.filter { $0.key == metric } }
        var names = families.keys.sorted()
        if let limit = parameters["limit"].flatMap(Int.init), limit >= 0 { names = Array(names.prefix(limit)) }
        json.raw("{")
        for (index, name) in names.enumerated() {
            if index > 0 { json.raw(",") }
            json.string(name)
            json.raw(":[")
            for (m, entry) in families[name, default: []].enumerated() {
                if m > 0 { json.raw(",") }
                json.raw("{\"type\":")
                json.string(entry.type)
                json.raw(",\"help\":")
                json.string(entry.help)
                json.raw(",\"unit\":")
                json.string(entry.unit)
                json.raw("}")
            }
            json.raw("]")
        }
        json.raw("}")
    }

    private func buildInfo(into json: inout PrometheusJSON) {
        json.raw("{\"version\":")
        json.string(version)
        json.raw(",\"revision\":\"\",\"branch\":\"\",\"buildUser\":\"\",\"buildDate\":\"\",\"goVersion\":\"\",\"application\":\"SoakMonitor\"}")
    }

    private func targetList(into json: inout PrometheusJSON) async {
        json.raw("{\"activeTargets\":[")
        for (index, target) in await targets().enumerated() {
            if index > 0 { json.raw(",") }
            json.raw("{\"discoveredLabels\":{},\"labels\":")
            var labels = Labels(target.labels.map { Label($0.key, $0.value) })
            labels = labels.setting("job", target.job).setting("instance", target.instance)
            json.labels(labels)
            json.raw(",\"scrapePool\":")
            json.string(target.job)
            json.raw(",\"scrapeUrl\":")
            json.string(target.url)
            json.raw(",\"globalUrl\":")
            json.string(target.url)
            json.raw(",\"lastError\":")
            json.string(target.lastError ?? "")
            json.raw(",\"lastScrape\":")
            json.string(target.lastScrapeAt.map(Self.rfc3339) ?? "0001-01-01T00:00:00Z")
            json.raw(",\"lastScrapeDuration\":")
            json.raw(PrometheusJSON.goFloat(target.lastScrapeDurationSeconds ?? 0))
            json.raw(",\"health\":")
            json.string(target.health.rawValue)
            json.raw("}")
        }
        json.raw("],\"droppedTargets\":[]}")
    }

    private static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
