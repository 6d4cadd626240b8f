import Foundation
import HTTPClient
import XCTest
@testable import SoakDaemon

/// Bearer-token protection: 401 without the token, probes open, the token never echoed.
final class HTTPAuthTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-http-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func tokenFile(_ contents: String) throws -> String {
        let path = directory.appendingPathComponent("token").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testProtectedEndpointsNeedTheTokenAndProbesStayOpen() async throws {
        let path = try tokenFile("s3cret-token\n")
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak()], ready: .notReady("first scrape round not done"))
        try await withRunningServer(provider: provider, bearerTokenFile: path) { server in
            for endpoint in ["/metrics", "/api/v1/findings", "/api/v1/findings/17", "/api/v1/soak/targets"] {
                let anonymous = try await HTTPTestClient.get(server.url(endpoint))
                XCTAssertEqual(anonymous.status, 401, endpoint)
                XCTAssertEqual(anonymous.headers["www-authenticate"], #"Bearer realm="soakmonitor""#)
                let wrong = try await HTTPTestClient.get(server.url(endpoint), headers: ["Authorization: Bearer s3cret-tokeN"])
                XCTAssertEqual(wrong.status, 401, endpoint)
                XCTAssertFalse(wrong.text.contains("s3cret"))
                let prefix = try await HTTPTestClient.get(server.url(endpoint), headers: ["Authorization: Bearer s3cret"])
                XCTAssertEqual(prefix.status, 401, "a prefix of the token is not the token")
                let basic = try await HTTPTestClient.get(server.url(endpoint), headers: ["Authorization: Basic s3cret-token"])
                XCTAssertEqual(basic.status, 401, "only the Bearer scheme")
                let right = try await HTTPTestClient.get(server.url(endpoint), headers: ["Authorization: bearer s3cret-token"])
                XCTAssertEqual(right.status, 200, endpoint)
            }
            let health = try await HTTPTestClient.get(server.url("/healthz"))
            XCTAssertEqual(health.status, 200)
            let ready = try await HTTPTestClient.get(server.url("/-/ready"))
            XCTAssertEqual(ready.status, 503, "open, and still honest")
        }
    }

    /// `web.public_paths: [/metrics, ...]`: a Prometheus without the token scrapes the monitor,
    /// the API still needs it, and the probes are closed when the list leaves them out.
    func testPublicPathsOpenMetricsAndKeepTheAPIBehindTheToken() async throws {
        let path = try tokenFile("s3cret-token\n")
        let provider = FakeStatusProvider(findings: [HTTPFixtures.leak()])
        try await withRunningServer(provider: provider, bearerTokenFile: path, publicPaths: ["/metrics", "/-/ready"]) { server in
            let metrics = try await HTTPTestClient.get(server.url("/metrics"))
            XCTAssertEqual(metrics.status, 200)
            XCTAssertTrue(metrics.text.contains("soak_"), "the metrics page itself")
            for endpoint in ["/api/v1/findings", "/api/v1/targets", "/healthz"] {
                let anonymous = try await HTTPTestClient.get(server.url(endpoint))
                XCTAssertEqual(anonymous.status, 401, endpoint)
            }
            let ready = try await HTTPTestClient.get(server.url("/-/ready"))
            XCTAssertEqual(ready.status, 200)
        }
    }

    /// A known path with another method is 405 (with `Allow: GET`), not 404 (issue 20).
    func testOtherMethodsOnKnownPathsAre405WithAllow() async throws {
        try await withRunningServer(provider: FakeStatusProvider()) { server in
            for (method, path) in [("POST", "/metrics"), ("DELETE", "/api/v1/findings"), ("PUT", "/healthz"),
                                   ("PATCH", "/api/v1/findings/17")] {
                let result = await CurlHTTPClient().send(HTTPRequest(method: method, url: server.url(path), timeoutSeconds: 5))
                guard case .success(let response) = result else { return XCTFail("\(method) \(path): \(result)") }
                XCTAssertEqual(response.status, 405, "\(method) \(path)")
                XCTAssertEqual(String(decoding: response.body, as: UTF8.self), #"{"error":"method not allowed; use GET"}"#)
            }
            let unknown = try await HTTPTestClient.get(server.url("/nowhere"))
            XCTAssertEqual(unknown.status, 404, "an unknown path is still 404")
        }
    }

    func testMissingOrEmptyTokenFileFailsAtConstruction() throws {
        let missing = directory.appendingPathComponent("absent").path
        XCTAssertThrowsError(try MonitorHTTPServer(
            configuration: .init(bearerTokenFile: missing), provider: FakeStatusProvider(), registry: nil)) { error in
            XCTAssertEqual((error as? MonitorHTTPError)?.kind, .tokenFileUnreadable)
            XCTAssertEqual((error as? MonitorHTTPError)?.context, missing)
        }
        let empty = try tokenFile(" \n")
        XCTAssertThrowsError(try MonitorHTTPServer(
            configuration: .init(bearerTokenFile: empty), provider: FakeStatusProvider(), registry: nil)) { error in
            XCTAssertEqual((error as? MonitorHTTPError)?.kind, .tokenFileEmpty)
        }
    }

    func testBearerTokenComparesWholeTokensAndNeverPrintsIt() {
        let token = BearerToken("abc123\n")
        XCTAssertTrue(token.matches("abc123"))
        XCTAssertFalse(token.matches("abc12"))
        XCTAssertFalse(token.matches("abc1234"))
        XCTAssertFalse(token.matches(""))
        XCTAssertFalse("\(token)".contains("abc"))
        XCTAssertFalse(String(reflecting: token).contains("abc"))
    }

    func testBearerCredentialParsing() {
        XCTAssertEqual(BearerToken.credential(fromAuthorization: "Bearer abc"), "abc")
        XCTAssertEqual(BearerToken.credential(fromAuthorization: "BEARER   abc  "), "abc")
        XCTAssertNil(BearerToken.credential(fromAuthorization: "Bearer "))
        XCTAssertNil(BearerToken.credential(fromAuthorization: "Basic abc"))
        XCTAssertNil(BearerToken.credential(fromAuthorization: "Bearerabc"))
        XCTAssertNil(BearerToken.credential(fromAuthorization: nil))
    }
}
