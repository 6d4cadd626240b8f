import Crypto
import Foundation
import XCTest
@testable import SoakDaemon

final class WebhookNotifierTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_795_200_000)
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func secretFile(_ contents: String, name: String = "secret") throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testPayloadIsAlertmanagerWebhookVersion4AndTheSignatureVerifies() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let secret = "correct horse battery staple"
        let config = WebhookConfiguration(name: "ops", url: server.url, secretFile: try secretFile(secret + "\n"))
        let storage = InMemoryOutboxStorage()
        let log = CapturedLog()
        let box = AlertOutbox(
            storage: storage, notifiers: [WebhookNotifier(name: "ops", configuration: config, externalURL: "http://soak.test:9847")],
            logger: log.logger)
        let finding = Fixtures.finding()
        try await box.enqueue(Fixtures.notification(finding, createdAt: t0))
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.delivered, 1)

        XCTAssertEqual(server.requests.count, 1)
        let request = server.requests[0]
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/hook")
        XCTAssertEqual(request.headers["content-type"], "application/json")

        // The receiver's side: HMAC over the raw body, checked before parsing, in constant time.
        let header = try XCTUnwrap(request.headers["x-soak-signature"])
        XCTAssertTrue(header.hasPrefix("sha256="))
        let mac = try XCTUnwrap(Data(hexString: String(header.dropFirst("sha256=".count))))
        XCTAssertTrue(HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: request.body, using: SymmetricKey(data: Array(secret.utf8))))
        XCTAssertFalse(HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: request.body + [0x20], using: SymmetricKey(data: Array(secret.utf8))))

        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        XCTAssertEqual(body["version"] as? String, "4")
        XCTAssertEqual(body["status"] as? String, "firing")
        XCTAssertEqual(body["receiver"] as? String, "ops")
        XCTAssertEqual(body["externalURL"] as? String, "http://soak.test:9847")
        XCTAssertEqual(body["truncatedAlerts"] as? Int, 0)
        XCTAssertEqual(body["groupLabels"] as? [String: String], ["alertname": "SoakLeakDetected"])
        XCTAssertEqual(body["groupKey"] as? String, "{}/{soak=\"leak\"}:{alertname=\"SoakLeakDetected\", dedupe_key=\"\(finding.dedupeKey)\"}")
        XCTAssertEqual(body["commonLabels"] as? [String: String], AlertRendering.labels(for: finding))
        XCTAssertEqual((body["commonAnnotations"] as? [String: String])?["growth_percent_per_hour"], "2.500")
        let alerts = try XCTUnwrap(body["alerts"] as? [[String: Any]])
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts[0]["status"] as? String, "firing")
        XCTAssertEqual(alerts[0]["fingerprint"] as? String, finding.dedupeKey)
        XCTAssertEqual(alerts[0]["startsAt"] as? String, "2026-11-20T03:00:00.000Z")
        XCTAssertEqual(alerts[0]["endsAt"] as? String, "0001-01-01T00:00:00Z")
        XCTAssertEqual(alerts[0]["generatorURL"] as? String, "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual((alerts[0]["labels"] as? [String: String])?["instance"], "10.0.0.7:2379")
        XCTAssertEqual((alerts[0]["annotations"] as? [String: String])?["hours_to_exhaustion"], "17.5")

        // The secret is nowhere but in the HMAC: not in the body, the log, or the outbox.
        XCTAssertFalse(String(decoding: request.body, as: UTF8.self).contains(secret))
        XCTAssertFalse(log.allText.contains(secret))
        let stored = await storage.all()
        XCTAssertFalse(stored.contains { String(decoding: $0.payload, as: UTF8.self).contains(secret) })
    }

    func testResolvedPayloadCarriesTheEpisodeEnd() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let notifier = WebhookNotifier(name: "ops", configuration: WebhookConfiguration(url: server.url), externalURL: "http://soak.test")
        let ended = Fixtures.onset.addingTimeInterval(86_400)
        let outcome = await notifier.deliver(Fixtures.notification(Fixtures.finding().resolved(at: ended)))
        XCTAssertEqual(outcome, .delivered)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(server.requests[0].body)) as? [String: Any])
        XCTAssertEqual(body["status"] as? String, "resolved")
        XCTAssertNil(server.requests[0].headers["x-soak-signature"], "no secret configured, no signature")
        let alert = try XCTUnwrap((body["alerts"] as? [[String: Any]])?.first)
        XCTAssertEqual(alert["status"] as? String, "resolved")
        XCTAssertEqual(alert["endsAt"] as? String, "2026-11-21T00:00:00.000Z")
    }

    func testServerErrorIsRetriedLaterAndThenDelivered() async throws {
        let server = try LoopbackHTTPServer { _ in (500, "overloaded") }
        defer { server.stop() }
        let storage = InMemoryOutboxStorage()
        let box = AlertOutbox(
            storage: storage,
            notifiers: [WebhookNotifier(name: "ops", configuration: WebhookConfiguration(url: server.url), externalURL: "http://soak.test")],
            backoff: RetryBackoff(jitterFraction: 0), logger: CapturedLog().logger)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))

        let first = try await box.deliverDue(now: t0)
        XCTAssertEqual(first.retried, 1)
        let entry = await storage.all()[0]
        XCTAssertEqual(entry.lastError, "httpStatus HTTP 500: receiver answered HTTP 500: overloaded (receiver ops, \(server.url))")
        let early = try await box.deliverDue(now: t0.addingTimeInterval(0.5))
        XCTAssertEqual(early.retried + early.delivered, 0)
        XCTAssertEqual(server.requests.count, 1)

        server.setResponder { _ in (200, "ok") }
        let later = try await box.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(later.delivered, 1)
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(server.requests[0].body, server.requests[1].body, "the retry sends the same bytes")
    }

    func testClientErrorIsRejectedAndNotRetried() async throws {
        let server = try LoopbackHTTPServer { _ in (400, "unknown field") }
        defer { server.stop() }
        let storage = InMemoryOutboxStorage()
        let log = CapturedLog()
        let box = AlertOutbox(
            storage: storage,
            notifiers: [WebhookNotifier(name: "ops", configuration: WebhookConfiguration(url: server.url), externalURL: "http://soak.test")],
            logger: log.logger)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.rejected, 1)
        for minutes in [1.0, 10, 60] {
            _ = try await box.deliverDue(now: t0.addingTimeInterval(minutes * 60))
        }
        XCTAssertEqual(server.requests.count, 1)
        let entry = await storage.all()[0]
        XCTAssertEqual(entry.state, .rejected)
        XCTAssertTrue(log.lines.contains { $0.level == .error && $0.text.contains("HTTP 400: receiver answered HTTP 400: unknown field") })
    }

    func testRefusedConnectionIsRetryableAndTheErrorHasNoCredentials() async throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let token = "tok-\(UUID().uuidString)"
        var config = WebhookConfiguration(url: "http://alice:pa55word@127.0.0.1:\(port)/hook", secretFile: try secretFile("hmac-key"))
        config.credentials = HTTPCredentials(bearerTokenFile: try secretFile(token, name: "token"))
        let outcome = await WebhookNotifier(name: "ops", configuration: config, externalURL: "http://soak.test")
            .deliver(Fixtures.notification(Fixtures.finding()))
        guard case .retryable(let error) = outcome else { return XCTFail("expected retryable, got \(outcome)") }
        XCTAssertEqual(error.kind, .transport)
        XCTAssertEqual(error.target, "http://127.0.0.1:\(port)/hook")
        for secret in ["pa55word", "alice", token, "hmac-key"] {
            XCTAssertFalse(error.description.contains(secret), error.description)
        }
    }

    func testSlowReceiverTimesOutAsRetryable() async throws {
        let server = try LoopbackHTTPServer { _ in
            Thread.sleep(forTimeInterval: 1.5)
            return (200, "late")
        }
        defer { server.stop() }
        let started = Date()
        let outcome = await WebhookNotifier(
            name: "ops", configuration: WebhookConfiguration(url: server.url, timeoutSeconds: 0.3), externalURL: "http://soak.test"
        ).deliver(Fixtures.notification(Fixtures.finding()))
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.2)
        guard case .retryable(let error) = outcome else { return XCTFail("expected retryable, got \(outcome)") }
        XCTAssertEqual(error.kind, .timeout)
    }

    func testBasicAuthPasswordComesFromItsFile() async throws {
        let server = try LoopbackHTTPServer { request in
            request.headers["authorization"] == "Basic " + Data("soak:s3cr3t".utf8).base64EncodedString() ? (200, "ok") : (401, "who?")
        }
        defer { server.stop() }
        var config = WebhookConfiguration(url: server.url)
        config.credentials = HTTPCredentials(basicAuth: .init(username: "soak", passwordFile: try secretFile("s3cr3t\n", name: "pw")))
        let notifier = WebhookNotifier(name: "ops", configuration: config, externalURL: "http://soak.test")
        let outcome = await notifier.deliver(Fixtures.notification(Fixtures.finding()))
        XCTAssertEqual(outcome, .delivered)

        config.credentials = HTTPCredentials(basicAuth: .init(username: "soak", passwordFile: directory.appendingPathComponent("missing").path))
        let missing = await WebhookNotifier(name: "ops", configuration: config, externalURL: "http://soak.test")
            .deliver(Fixtures.notification(Fixtures.finding()))
        guard case .retryable(let error) = missing else { return XCTFail("expected retryable, got \(missing)") }
        XCTAssertEqual(error.kind, .configuration)
        XCTAssertEqual(server.requests.count, 1, "nothing is sent without the credential")
    }
}

extension Data {
    /// Decodes lowercase or uppercase hex; `nil` for odd length or a non-hex digit.
    init?(hexString: String) {
        let digits = Array(hexString.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.init(bytes)
    }
}
