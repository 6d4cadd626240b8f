import Foundation
import PromQL
import MonitorState
import SeriesStore
import SoakModel
import XCTest
@testable import SoakDaemon

/// The Prometheus-compatible read API over HTTP: shapes, errors, GET and POST, and the calls
/// Grafana's Prometheus datasource makes.
final class PrometheusAPITests: XCTestCase {
    /// Two hours of a leaking RSS gauge (two pods) and a counter, scraped every 15 s from t0.
    static let t0: Int64 = 1_795_000_000_000

    private func source() -> StorageReadSource<MemoryStorage> {
        var storage = MemoryStorage()
        for pod in ["a", "b"] {
            let labels = Labels(["__name__": "process_resident_memory_bytes", "job": "etcd", "pod": pod])
            let slope = pod == "a" ? 1000.0 : 0
            storage.append(labels, (0..<480).map { Point(Self.t0 + Int64($0) * 15_000, 5e7 + slope * Double($0)) })
        }
        let counter = Labels(["__name__": "etcd_requests_total", "job": "etcd"])
        storage.append(counter, (0..<480).map { Point(Self.t0 + Int64($0) * 15_000, Double($0) * 30) })
        return StorageReadSource(storage, metadata: [
            "process_resident_memory_bytes": [MetricMetadata(type: "gauge", help: "Resident memory size in bytes.")],
            "etcd_requests_total": [MetricMetadata(type: "counter", help: "Requests.")],
        ])
    }

    private func api() -> PrometheusAPI {
        PrometheusAPI(source: source(), targets: { [HTTPFixtures.target()] }, nowMs: { Self.t0 + 3_600_000 })
    }

    private func json(_ response: HTTPTestClient.Response) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any], response.text)
    }

    private func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    func testQueryRangeAnswersAMatrixOnTheStepGrid() async throws {
        try await withRunningServer(provider: FakeStatusProvider(), readAPI: api()) { server in
            let start = Double(Self.t0) / 1000 + 600
            let query = encode("sum by (job) (rate(etcd_requests_total[5m]))")
            let response = try await HTTPTestClient.get(server.url("/api/v1/query_range?query=\(query)&start=\(start)&end=\(start + 300)&step=60"))
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.headers["content-type"], "application/json")
            let body = try json(response)
            XCTAssertEqual(body["status"] as? String, "success")
            let data = try XCTUnwrap(body["data"] as? [String: Any])
            XCTAssertEqual(data["resultType"] as? String, "matrix")
            let result = try XCTUnwrap(data["result"] as? [[String: Any]])
            XCTAssertEqual(result.count, 1)
            XCTAssertEqual(result[0]["metric"] as? [String: String], ["job": "etcd"])
            let values = try XCTUnwrap(result[0]["values"] as? [[Any]])
            XCTAssertEqual(values.map { $0[0] as? Double }, (0...5).map { start + Double($0 * 60) })
            XCTAssertEqual(values.map { $0[1] as? String }, Array(repeating: "2", count: 6), "values are strings, Go-formatted")
        }
    }

    func testInstantQueryVectorScalarAndStringShapes() async throws {
        let api = api()
        let t = Double(Self.t0) / 1000 + 1200
        let vector = await api.handle(.query, query: "query=process_resident_memory_bytes%7Bpod%3D%22a%22%7D&time=\(t)", formBody: nil)
        XCTAssertEqual(vector.status, 200)
        XCTAssertEqual(vector.body, #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"process_resident_memory_bytes","job":"etcd","pod":"a"},"value":[1795001200,"50080000"]}]}}"#)
        let scalar = await api.handle(.query, query: "query=1%2B1&time=2026-11-18T11:06:40.5Z", formBody: nil)
        XCTAssertEqual(scalar.body, #"{"status":"success","data":{"resultType":"scalar","result":[1795000000.5,"2"]}}"#)
        let string = await api.handle(.query, query: nil, formBody: "query=%22a%3Cb%22&time=1")
        XCTAssertEqual(string.body, #"{"status":"success","data":{"resultType":"string","result":[1,"a\u003cb"]}}"#)
    }

    func testErrorsHavePrometheusShapeAndStatusAndChangeNothing() async throws {
        let source = source()
        let api = PrometheusAPI(source: source, nowMs: { Self.t0 })
        func check(_ endpoint: PrometheusAPI.Endpoint, _ query: String, status: Int, type: String, contains text: String,
                   line: UInt = #line) async {
            let answer = await api.handle(endpoint, query: query, formBody: nil)
            XCTAssertEqual(answer.status, status, answer.body, line: line)
            guard let body = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] else {
                return XCTFail("not JSON: \(answer.body)", line: line)
            }
            XCTAssertEqual(body["status"] as? String, "error", line: line)
            XCTAssertEqual(body["errorType"] as? String, type, line: line)
            XCTAssertTrue((body["error"] as? String)?.contains(text) ?? false, "\(body["error"] ?? "")", line: line)
        }
        await check(.query, "query=rate(foo%5B5m%5D", status: 400, type: "bad_data",
                    contains: "invalid parameter \"query\": 1:13: parse error: unexpected end of input")
        await check(.query, "query=nosuch(foo)", status: 400, type: "bad_data", contains: "unknown function with name \"nosuch\"")
        await check(.query, "query=sort(foo)", status: 400, type: "bad_data", contains: "\"sort\" is not supported")
        await check(.queryRange, "query=up&start=0&end=86400&step=1", status: 400, type: "bad_data",
                    contains: "exceeded maximum resolution of 11,000 points per timeseries")
        await check(.queryRange, "query=up&start=yesterday&end=1&step=1", status: 400, type: "bad_data",
                    contains: "invalid parameter \"start\": cannot parse \"yesterday\" to a valid timestamp")
        await check(.queryRange, "query=up&start=0&end=1&step=0", status: 400, type: "bad_data", contains: "zero or negative")
        await check(.queryRange, "query=up&start=10&end=1&step=1", status: 400, type: "bad_data", contains: "end timestamp must not be before start time")
        await check(.query, "query=process_resident_memory_bytes%20%2B%20on()%20etcd_requests_total&time=1795001000",
                    status: 422, type: "execution", contains: "many-to-one matching must be explicit")
        await check(.series, "", status: 400, type: "bad_data", contains: "no match[] parameter provided")
        // Extremes never trap on Int64 arithmetic: refused or answered.
        await check(.query, "query=up%20offset%209223372036854775807ms", status: 400, type: "bad_data", contains: "bad duration")
        await check(.query, "query=up&time=-9e15", status: 400, type: "bad_data", contains: "invalid parameter \"time\"")
        await check(.queryRange, "query=up&start=0&end=1&step=1e300", status: 400, type: "bad_data", contains: "invalid parameter \"step\"")
        let farOffset = await api.handle(.query, query: "query=rate(up%5B292y%5D%20offset%20-292y)&time=9.1e12", formBody: nil)
        XCTAssertEqual(farOffset.status, 200, farOffset.body)
        // Nothing stored changed: the same series and points as before the bad requests.
        let everything = [try LabelMatcher("__name__", .matchesRegex, ".+")]
        let before = try source.storage.select(everything, startMs: .min / 4, endMs: .max / 4, hints: SelectHints())
        let after = try await source.fetch([Selection(matchers: everything, startMs: .min / 4, endMs: .max / 4, hints: SelectHints())])
        XCTAssertEqual(before, after[0])
    }

    /// The requests Grafana's Prometheus datasource sends, in the order "Save & test" and a
    /// dashboard panel send them.
    func testGrafanaDatasourceCallsReplay() async throws {
        try await withRunningServer(provider: FakeStatusProvider(), readAPI: api()) { server in
            let now = Double(Self.t0) / 1000 + 3600
            // Save & test: the 1+1 health query, by POST.
            let health = try json(try await HTTPTestClient.post(server.url("/api/v1/query"), form: "query=1%2B1&time=\(now)"))
            let healthData = try XCTUnwrap(health["data"] as? [String: Any])
            XCTAssertEqual(healthData["resultType"] as? String, "scalar")
            XCTAssertEqual((healthData["result"] as? [Any])?[1] as? String, "2")
            // Build info, to pick features by version.
            let build = try json(try await HTTPTestClient.get(server.url("/api/v1/status/buildinfo")))
            XCTAssertEqual((build["data"] as? [String: Any])?["version"] as? String, "2.42.0")
            // Metric browser: metadata, label names, metric names, label values, series.
            let metadata = try json(try await HTTPTestClient.get(server.url("/api/v1/metadata")))
            let families = try XCTUnwrap(metadata["data"] as? [String: [[String: String]]])
            XCTAssertEqual(families["etcd_requests_total"]?.first?["type"], "counter")
            let labels = try json(try await HTTPTestClient.get(server.url("/api/v1/labels?start=\(now - 3600)&end=\(now)")))
            XCTAssertEqual(labels["data"] as? [String], ["__name__", "job", "pod"])
            let names = try json(try await HTTPTestClient.get(server.url("/api/v1/label/__name__/values?start=\(now - 3600)&end=\(now)")))
            XCTAssertEqual(names["data"] as? [String], ["etcd_requests_total", "process_resident_memory_bytes"])
            let pods = try json(try await HTTPTestClient.get(server.url("/api/v1/label/pod/values?match%5B%5D=process_resident_memory_bytes")))
            XCTAssertEqual(pods["data"] as? [String], ["a", "b"])
            let series = try json(try await HTTPTestClient.post(server.url("/api/v1/series"),
                                                                form: "match%5B%5D=%7Bpod%3D%22b%22%7D&start=\(now - 3600)&end=\(now)"))
            XCTAssertEqual(series["data"] as? [[String: String]],
                           [["__name__": "process_resident_memory_bytes", "job": "etcd", "pod": "b"]])
            // A panel: query_range by POST with step and timeout.
            let form = "query=\(encode("deriv(process_resident_memory_bytes[10m])"))&start=\(now - 1800)&end=\(now)&step=30&timeout=30s"
            let range = try json(try await HTTPTestClient.post(server.url("/api/v1/query_range"), form: form))
            let result = try XCTUnwrap((range["data"] as? [String: Any])?["result"] as? [[String: Any]])
            XCTAssertEqual(result.map { ($0["metric"] as? [String: String])?["pod"] }, ["a", "b"])
            let slopes = try XCTUnwrap(result[0]["values"] as? [[Any]]).compactMap { ($0[1] as? String).flatMap(Double.init) }
            XCTAssertEqual(slopes.count, 61)
            for slope in slopes { XCTAssertEqual(slope, 1000.0 / 15, accuracy: 1e-9) }
            // Targets, in Prometheus' shape.
            let targets = try json(try await HTTPTestClient.get(server.url("/api/v1/targets")))
            let active = try XCTUnwrap((targets["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]])
            XCTAssertEqual(active.first?["health"] as? String, "down")
            XCTAssertEqual(active.first?["scrapePool"] as? String, "kube-apiserver")
        }
    }

    func testSoakEndpointsMovedUnderSoakWithAliases() async throws {
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak()], targets: [HTTPFixtures.target()])
        try await withRunningServer(provider: provider, readAPI: api()) { server in
            let moved = try await HTTPTestClient.get(server.url("/api/v1/soak/findings/17"))
            let alias = try await HTTPTestClient.get(server.url("/api/v1/findings/17"))
            XCTAssertEqual(moved.status, 200)
            XCTAssertEqual(moved.body, alias.body)
        }
    }

    /// The store adapter: what `soak run` serves, from a real SQLite store.
    func testStoreBackedQueriesReadTheSeriesStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("promql-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("soak.db").path
        do {
            let store = try SeriesStore(path: path)
            for i in 0..<240 {
                for pod in ["a", "b"] {
                    _ = try store.append(metric: "go_goroutines", labels: [Label("pod", pod)],
                                         timestampMs: Self.t0 + Int64(i) * 15_000, value: pod == "a" ? Double(100 + i) : 50)
                }
            }
            try store.flush()
            try store.close()
        }
        let database = try MonitorDatabase(path: path, configuration: StoreConfiguration())
        let api = PrometheusAPI(source: database, nowMs: { Self.t0 })
        let t = Double(Self.t0) / 1000 + 3000
        let answer = await api.handle(.query, query: "query=\(encode("topk(1, max_over_time(go_goroutines[10m]))"))&time=\(t)", formBody: nil)
        XCTAssertEqual(answer.body, #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pod":"a"},"value":[1795003000,"300"]}]}}"#)
        let labels = await api.handle(.labelValues("pod"), query: "match%5B%5D=go_goroutines", formBody: nil)
        XCTAssertEqual(labels.body, #"{"status":"success","data":["a","b"]}"#)
        let bad = await api.handle(.query, query: "query=go_goroutines%7B", formBody: nil)
        XCTAssertEqual(bad.status, 400)
        let count = await database.seriesCount
        XCTAssertEqual(count, 2)
        try await database.close()
    }

    func testGoFloatFormatting() {
        XCTAssertEqual(PrometheusJSON.goFloat(1), "1")
        XCTAssertEqual(PrometheusJSON.goFloat(0.001), "0.001")
        XCTAssertEqual(PrometheusJSON.goFloat(1e21), "1000000000000000000000")
        XCTAssertEqual(PrometheusJSON.goFloat(1.5e-7), "0.00000015")
        XCTAssertEqual(PrometheusJSON.goFloat(-2.25), "-2.25")
        XCTAssertEqual(PrometheusJSON.goFloat(.infinity), "+Inf")
        XCTAssertEqual(PrometheusJSON.goFloat(.nan), "NaN")
        XCTAssertEqual(PrometheusJSON.goFloat(1795000000.5), "1795000000.5")
    }
}
