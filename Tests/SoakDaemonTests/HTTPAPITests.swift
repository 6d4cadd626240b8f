import Foundation
import XCTest
@testable import SoakDaemon

/// `/api/v1/findings`, `/api/v1/findings/{id}`, `/api/v1/targets`, `/healthz` and `/-/ready`.
final class HTTPAPITests: XCTestCase {
    private func jsonArray(_ response: HTTPTestClient.Response) throws -> [[String: Any]] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]], response.text)
    }

    func testFindingsListHasTheDocumentedShape() async throws {
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak(), HTTPFixtures.healthy()])
        try await withRunningServer(provider: provider) { server in
            let response = try await HTTPTestClient.get(server.url("/api/v1/findings"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "application/json")
            let findings = try jsonArray(response)
            XCTAssertEqual(findings.count, 2)
            let leak = try XCTUnwrap(findings.first { $0["id"] as? String == "17" })
            XCTAssertEqual(Set(leak.keys), [
                "id", "metric", "labels", "resource", "state", "severity", "slopePerHour", "growthPercentPerHour",
                "hoursToExhaustion", "confidence", "windowStart", "windowStartUnix", "windowSeconds",
                "judgedAt", "judgedAtUnix", "onsetAt", "onsetAtUnix", "firstAlertAt", "firstAlertAtUnix",
                "resolvedAt", "resolvedAtUnix", "dedupeKey", "evidence",
            ])
            XCTAssertEqual(leak["metric"] as? String, "process_open_fds")
            XCTAssertEqual((leak["labels"] as? [String: String])?["version"], "v1.31.2")
            XCTAssertEqual(leak["resource"] as? String, "fds")
            XCTAssertEqual(leak["state"] as? String, "leak")
            XCTAssertEqual(leak["severity"] as? String, "critical")
            XCTAssertEqual(leak["slopePerHour"] as? Double, 212)
            XCTAssertEqual(leak["hoursToExhaustion"] as? Double, 19.5)
            XCTAssertEqual(leak["onsetAt"] as? String, "2026-11-18T11:06:40.000Z")
            XCTAssertEqual(leak["onsetAtUnix"] as? Double, 1_795_000_000)
            XCTAssertEqual(leak["firstAlertAtUnix"] as? Double, 1_795_003_600)
            XCTAssertEqual(leak["windowSeconds"] as? Double, 21_600)
            XCTAssertTrue(leak["resolvedAt"] is NSNull, "absent values are null, not missing")
            XCTAssertEqual(leak["dedupeKey"] as? String,
                           LeakFinding.episodeKey(seriesLabels: HTTPFixtures.leak().seriesLabels, onsetAt: HTTPFixtures.onset))

            let healthy = try XCTUnwrap(findings.first { $0["id"] as? String == "3" })
            XCTAssertEqual(healthy.count, leak.count, "every finding has every key")
            XCTAssertTrue(healthy["hoursToExhaustion"] is NSNull)
            XCTAssertTrue(healthy["severity"] is NSNull)
            XCTAssertTrue(healthy["dedupeKey"] is NSNull)
            XCTAssertEqual((healthy["evidence"] as? [Any])?.count, 0, "no evidence is an empty list")
        }
    }

    /// Evidence is listed under its finding and served as a download: never with the target's own
    /// content type (a `text/html` answer must not render in the monitor's origin), never sniffed.
    func testEvidenceIsListedWithItsFindingAndServedAsADownload() async throws {
        let fetched = Date(timeIntervalSince1970: 1_795_003_601)
        let heap = EvidenceSnapshot(id: "5", name: "heap", url: "https://10.0.0.1:6443/debug/pprof/heap", fetchedAt: fetched,
                                    httpStatus: 200, contentType: "text/html", byteCount: 4, error: nil)
        let dump = EvidenceSnapshot(id: "6", name: "goroutine\"/../x", url: "https://10.0.0.1:6443/debug/pprof/goroutine?debug=1",
                                    fetchedAt: fetched, httpStatus: 200, contentType: "text/plain; charset=utf-8", byteCount: 9,
                                    error: nil)
        let failed = EvidenceSnapshot(id: "7", name: "mutex", url: "https://10.0.0.1:6443/debug/pprof/mutex", fetchedAt: fetched,
                                      httpStatus: 403, contentType: "text/plain", byteCount: 0, error: "httpStatus: HTTP 403")
        var leak = HTTPFixtures.leak()
        leak.evidence = [heap, dump, failed]
        let provider = FakeStatusProvider(findings: [leak], documents: [
            EvidenceDocument(snapshot: heap, findingID: "17", body: [0x1f, 0x8b, 0, 1]),
            EvidenceDocument(snapshot: dump, findingID: "17", body: Array("<script>x".utf8)),
        ])
        try await withRunningServer(provider: provider) { server in
            let one = try await HTTPTestClient.get(server.url("/api/v1/findings/17"))
            let finding = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(one.body)) as? [String: Any])
            let listed = try XCTUnwrap(finding["evidence"] as? [[String: Any]])
            XCTAssertEqual(listed.map { $0["id"] as? String }, ["5", "6", "7"])
            XCTAssertEqual(Set(listed[0].keys), ["id", "name", "url", "fetchedAt", "fetchedAtUnix", "httpStatus", "contentType",
                                                 "bytes", "error", "href"])
            XCTAssertEqual(listed[0]["href"] as? String, "/api/v1/evidence/5")
            XCTAssertEqual(listed[0]["bytes"] as? Int, 4)
            XCTAssertEqual(listed[0]["fetchedAtUnix"] as? Double, 1_795_003_601)
            XCTAssertTrue(listed[2]["href"] is NSNull, "a failed fetch has nothing to download")
            XCTAssertEqual(listed[2]["error"] as? String, "httpStatus: HTTP 403")

            let body = try await HTTPTestClient.get(server.url("/api/v1/evidence/5"))
            XCTAssertEqual(body.status, 200)
            XCTAssertEqual(body.body, [0x1f, 0x8b, 0, 1])
            XCTAssertEqual(body.headers["content-type"], "application/octet-stream", "not the target's text/html")
            XCTAssertEqual(body.headers["x-content-type-options"], "nosniff")
            XCTAssertEqual(body.headers["content-disposition"], "attachment; filename=\"finding-17-heap.pb.gz\"")
            let text = try await HTTPTestClient.get(server.url("/api/v1/evidence/6"))
            XCTAssertEqual(text.headers["content-type"], "text/plain; charset=utf-8")
            XCTAssertEqual(text.headers["content-disposition"], "attachment; filename=\"finding-17-goroutine_____x.txt\"",
                           "a name from configuration cannot break out of the header")
            let failedBody = try await HTTPTestClient.get(server.url("/api/v1/evidence/7"))
            XCTAssertEqual(failedBody.status, 404)
            let unknown = try await HTTPTestClient.get(server.url("/api/v1/evidence/nope"))
            XCTAssertEqual(unknown.status, 404)
        }
    }

    func testFindingsFilterByState() async throws {
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak(), HTTPFixtures.healthy()])
        try await withRunningServer(provider: provider) { server in
            let leaks = try jsonArray(try await HTTPTestClient.get(server.url("/api/v1/findings?state=leak")))
            XCTAssertEqual(leaks.map { $0["id"] as? String }, ["17"])
            let both = try jsonArray(try await HTTPTestClient.get(server.url("/api/v1/findings?state=ok,leak")))
            XCTAssertEqual(both.count, 2)
            let none = try jsonArray(try await HTTPTestClient.get(server.url("/api/v1/findings?state=resolved")))
            XCTAssertEqual(none.count, 0)
            let bad = try await HTTPTestClient.get(server.url("/api/v1/findings?state=firing"))
            XCTAssertEqual(bad.status, 400)
            XCTAssertTrue(bad.text.contains("ok, suspect, leak, resolved"), bad.text)
        }
    }

    func testOneFindingByIDAndUnknownIDIs404() async throws {
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak(), HTTPFixtures.healthy()])
        try await withRunningServer(provider: provider) { server in
            let one = try await HTTPTestClient.get(server.url("/api/v1/findings/17"))
            XCTAssertEqual(one.status, 200)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(one.body)) as? [String: Any])
            XCTAssertEqual(object["id"] as? String, "17")
            XCTAssertEqual(object["confidence"] as? Double, 0.982)

            let missing = try await HTTPTestClient.get(server.url("/api/v1/findings/999"))
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.headers["content-type"], "application/json")
            XCTAssertEqual(missing.text, #"{"error":"no finding with this id"}"#)

            let unknownPath = try await HTTPTestClient.get(server.url("/api/v1/nothing"))
            XCTAssertEqual(unknownPath.status, 404)
        }
    }

    func testTargetsListShowsHealthErrorVersionAndNoCredentials() async throws {
        let provider = FakeStatusProvider(targets: [HTTPFixtures.target()])
        try await withRunningServer(provider: provider) { server in
            let response = try await HTTPTestClient.get(server.url("/api/v1/soak/targets"))
            XCTAssertEqual(response.status, 200)
            XCTAssertFalse(response.text.contains("s3cret"), "userinfo never rendered")
            let targets = try jsonArray(response)
            let target = try XCTUnwrap(targets.first)
            XCTAssertEqual(Set(target.keys), [
                "job", "instance", "url", "labels", "health", "lastScrapeAt", "lastScrapeAtUnix",
                "lastScrapeDurationSeconds", "lastError", "samplesScraped", "detectedVersion",
                "lastRestartAt", "lastRestartAtUnix",
            ])
            XCTAssertEqual(target["url"] as? String, "https://10.0.0.5:6443/metrics")
            XCTAssertEqual(target["health"] as? String, "down")
            XCTAssertEqual(target["lastError"] as? String, "HTTP 503 from https://10.0.0.5:6443/metrics")
            XCTAssertEqual(target["detectedVersion"] as? String, "v1.31.2")
            XCTAssertEqual(target["samplesScraped"] as? Int, 1200)
            XCTAssertEqual(target["lastScrapeAt"] as? String, "2026-11-18T11:06:40.000Z")
            XCTAssertEqual(target["lastRestartAtUnix"] as? Double, 1_794_913_600)
        }
    }

    func testHealthzIsOKAndReadinessFollowsTheProvider() async throws {
        let provider = FakeStatusProvider(ready: .notReady("store not open", "first scrape round not done"))
        try await withRunningServer(provider: provider) { server in
            let health = try await HTTPTestClient.get(server.url("/healthz"))
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(health.text, "ok\n")

            let notReady = try await HTTPTestClient.get(server.url("/-/ready"))
            XCTAssertEqual(notReady.status, 503)
            XCTAssertEqual(notReady.text, "not ready: store not open; first scrape round not done\n")

            await provider.set(ready: .ready)
            let ready = try await HTTPTestClient.get(server.url("/-/ready"))
            XCTAssertEqual(ready.status, 200)
            XCTAssertEqual(ready.text, "ready\n")
        }
    }
}
