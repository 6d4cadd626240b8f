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
                "resolvedAt", "resolvedAtUnix", "dedupeKey",
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
            let response = try await HTTPTestClient.get(server.url("/api/v1/targets"))
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
