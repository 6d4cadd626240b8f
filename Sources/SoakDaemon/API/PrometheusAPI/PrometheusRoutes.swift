import Hummingbird

/// Registers the Prometheus-compatible read API on the monitor's router: every endpoint by
/// GET and by POST with a form-encoded body, as Prometheus serves them (Grafana POSTs queries).
struct PrometheusRoutes: Sendable {
    let api: PrometheusAPI

    /// Form bodies larger than this are refused (a query plus `match[]`s fits many times over).
    static let maxFormBytes = 1 << 20

    func register<Context: RequestContext>(on router: Router<Context>) {
        let endpoints: [(String, PrometheusAPI.Endpoint)] = [
            ("/api/v1/query", .query), ("/api/v1/query_range", .queryRange), ("/api/v1/series", .series),
            ("/api/v1/labels", .labels), ("/api/v1/metadata", .metadata),
            ("/api/v1/status/buildinfo", .buildInfo), ("/api/v1/targets", .targets),
        ]
        for (path, endpoint) in endpoints {
            router.get(RouterPath(path)) { request, _ in await answer(endpoint, request) }
            router.post(RouterPath(path)) { request, _ in await answer(endpoint, request) }
        }
        router.get("/api/v1/label/:name/values") { request, context in
            await answer(.labelValues(context.parameters.get("name") ?? ""), request)
        }
    }

    private func answer(_ endpoint: PrometheusAPI.Endpoint, _ request: Request) async -> Response {
        var form: String?
        if request.method == .post {
            do {
                let buffer = try await request.body.collect(upTo: Self.maxFormBytes)
                form = String(buffer: buffer)
            } catch {
                return Self.response(PrometheusAPI.errorAnswer(.init(.badData, "request body larger than \(Self.maxFormBytes) bytes or unreadable")))
            }
        }
        return Self.response(await api.handle(endpoint, query: request.uri.query, formBody: form))
    }

    private static func response(_ answer: PrometheusAPI.Answer) -> Response {
        var response = MonitorRoutes.response(contentType: "application/json", body: Array(answer.body.utf8))
        response.status = .init(code: answer.status)
        return response
    }
}
