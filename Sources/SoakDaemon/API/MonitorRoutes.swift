import HTTPClient
import SoakModel
import Foundation
import HTTPTypes
import Hummingbird

/// The endpoints of the monitor's HTTP surface, each next to its handler.
///
/// | path | answer |
/// | --- | --- |
/// | `GET /metrics` | Prometheus text 0.0.4: self-metrics, `process_*`, `soak_leak_*`, `soak_target_*` |
/// | `GET /healthz` | 200 `ok` while the process runs |
/// | `GET /-/ready` | 200 `ready`, or 503 with the provider's reasons |
/// | `GET /api/v1/soak/findings[?state=leak,suspect]` | JSON array of findings |
/// | `GET /api/v1/soak/findings/{id}` | one finding, 404 when unknown |
/// | `GET /api/v1/soak/targets` | JSON array of targets (health, versions) |
/// | `GET /api/v1/soak/evidence/{id}` | a captured profile's body, as a download; 404 when unknown |
/// | `/api/v1/query`, `query_range`, `series`, `labels`, … | Prometheus' read API (``PrometheusRoutes``) |
/// | `POST /-/reload` | re-reads the config file (`soak run` only): 200 reloaded/unchanged, 400 refused, 500 failed |
///
/// `/api/v1/findings…` and `/api/v1/evidence/…` stay as aliases of the `/api/v1/soak/` paths for
/// one release; `/api/v1/targets` now answers in Prometheus' shape.
struct MonitorRoutes: Sendable {
    let provider: any MonitorStatusProvider
    let metricsPage: MetricsPage
    /// The Prometheus-compatible read API; nil serves none of its endpoints.
    var prometheus: PrometheusRoutes?
    /// Applies the config file again (``ReloadableMonitor/reload(trigger:)``); nil where the
    /// server fronts no reloadable monitor (`soak demo`, tests): the route is then absent.
    var reload: (@Sendable () async -> ReloadOutcome)? = nil

    /// Adds the routes to `router`.
    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            async let findings = provider.findingsSnapshot()
            async let targets = provider.targetsSnapshot()
            let body = metricsPage.render(findings: await findings, targets: await targets)
            return Self.response(contentType: MetricsPage.contentType, body: Array(body.utf8))
        }

        router.get("/healthz") { _, _ in
            Self.text("ok\n")
        }

        router.get("/-/ready") { _, _ in
            let readiness = await provider.readiness()
            if readiness.isReady { return Self.text("ready\n") }
            var response = Self.text("not ready: " + readiness.reasons.joined(separator: "; ") + "\n")
            response.status = .serviceUnavailable
            return response
        }

        for prefix in ["/api/v1/soak", "/api/v1"] { registerSoakEndpoints(prefix: prefix, on: router) }
        router.get("/api/v1/soak/targets") { _, _ in
            Self.json(await provider.targetsSnapshot().map(TargetJSON.init(snapshot:)))
        }
        prometheus?.register(on: router)

        // Another method on a known path is 405 with the methods that are allowed (RFC 9110
        // §15.5.6), not 404: the path exists.
        var allowed: [(path: String, methods: String)] = [
            "/metrics", "/healthz", "/-/ready", "/api/v1/findings", "/api/v1/findings/:id", "/api/v1/evidence/:id",
            "/api/v1/soak/findings", "/api/v1/soak/findings/:id", "/api/v1/soak/targets", "/api/v1/soak/evidence/:id",
        ].map { ($0, "GET") }
        if reload != nil { allowed.append(("/-/reload", "POST")) }
        for (path, methods) in allowed {
            for method in [.get, .post, .put, .delete, .patch] as [HTTPTypes.HTTPRequest.Method] where method.rawValue != methods {
                router.on(RouterPath(path), method: method) { _, _ in
                    var response = Self.json(APIJSON.ErrorBody(error: "method not allowed; use \(methods)"))
                    response.status = .methodNotAllowed
                    response.headers[.allow] = methods
                    return response
                }
            }
        }

        if let reload {
            // Behind the bearer token like the API (web.public_paths cannot name it).
            router.post("/-/reload") { _, _ in
                let outcome = await reload()
                var response = Self.json(outcome)
                switch outcome.status {
                case .reloaded, .unchanged: break
                case .refused: response.status = .badRequest
                case .failed: response.status = .internalServerError
                }
                return response
            }
        }
    }

    /// Findings and evidence under `prefix` (`/api/v1/soak`, and the old `/api/v1` alias).
    private func registerSoakEndpoints<Context: RequestContext>(prefix: String, on router: Router<Context>) {
        router.get(RouterPath(prefix + "/findings")) { request, _ in
            var findings = await provider.findingsSnapshot()
            if let filter = request.uri.queryParameters.get("state") {
                let parts = filter.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let states = parts.compactMap(LeakVerdict.init(rawValue:))
                guard states.count == parts.count, !states.isEmpty else {
                    let valid = LeakVerdict.allCases.map(\.rawValue).joined(separator: ", ")
                    var response = Self.json(APIJSON.ErrorBody(error: "state must be one or more of \(valid), comma-separated"))
                    response.status = .badRequest
                    return response
                }
                let wanted = Set(states)
                findings = findings.filter { wanted.contains($0.state) }
            }
            return Self.json(findings.map(FindingJSON.init(snapshot:)))
        }

        router.get(RouterPath(prefix + "/findings/:id")) { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let finding = await provider.finding(id: id) else {
                var response = Self.json(APIJSON.ErrorBody(error: "no finding with this id"))
                response.status = .notFound
                return response
            }
            return Self.json(FindingJSON(snapshot: finding))
        }

        router.get(RouterPath(prefix + "/evidence/:id")) { _, context in
            guard let document = await provider.evidence(id: context.parameters.get("id") ?? "") else {
                var response = Self.json(APIJSON.ErrorBody(error: "no evidence with this id"))
                response.status = .notFound
                return response
            }
            var response = Self.response(contentType: document.snapshot.servedContentType, body: document.body)
            // A profile is a file to hand to `go tool pprof`, not a page: never rendered or sniffed.
            response.headers[.contentDisposition] = "attachment; filename=\"\(document.snapshot.fileName(findingID: document.findingID))\""
            response.headers[.xContentTypeOptions] = "nosniff"
            return response
        }
    }

    // The helpers answer 200; a handler sets `status` for anything else. (`HTTPResponse` in
    // this module is the alert client's type, so the status type is not spelled here.)

    static func json<Value: Encodable>(_ value: Value) -> Response {
        response(contentType: "application/json", body: APIJSON.encode(value))
    }

    static func text(_ text: String) -> Response {
        response(contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    static func response(contentType: String, body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        // Findings change every scrape; a cached copy would show a resolved leak as open.
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
