import HTTPClient
import SoakModel
import XCTest
@testable import MetricsScrape

final class ScrapeTargetTests: XCTestCase {
    func testTimeoutIsNeverLongerThanTheInterval() {
        let target = ScrapeTarget(url: "http://a:1/metrics", labels: [], intervalSeconds: 5, timeoutSeconds: 10)
        XCTAssertEqual(target.timeoutSeconds, 5)
    }

    func testOffsetIsStableAndSpreadsTargetsOverTheInterval() {
        let targets = (0..<1000).map {
            ScrapeTarget(url: "http://10.0.\($0 / 250).\($0 % 250):9100/metrics",
                         labels: [Label("job", "node")], intervalSeconds: 15)
        }
        XCTAssertEqual(targets[7].offsetSeconds, targets[7].offsetSeconds)
        var buckets = [Int](repeating: 0, count: 10)
        for target in targets {
            XCTAssertTrue((0..<15).contains(target.offsetSeconds))
            buckets[Int(target.offsetSeconds / 1.5)] += 1
        }
        // Uniform would be 100 per bucket; a hash clumping targets would break this.
        XCTAssertTrue(buckets.allSatisfy { (60...140).contains($0) }, "\(buckets)")
    }

    func testInMemorySecretsNeverRenderWithTheirTarget() {
        var tls = TLSSettings()
        tls.keyPEM = SecretBytes("-----BEGIN PRIVATE KEY-----abc")
        let target = ScrapeTarget(url: "https://10.0.0.1:6443/api/v1/nodes", labels: [], tls: tls,
                                  authorization: .inlineCredentials(type: "Bearer", secret: SecretBytes("tok-123")))
        for text in ["\(target)", String(reflecting: target), "\([target])"] {
            XCTAssertFalse(text.contains("tok-123"), text)
            XCTAssertFalse(text.contains("PRIVATE KEY"), text)
            XCTAssertTrue(text.contains("<secret>"), text)
        }
        var dumped = ""
        dump(target, to: &dumped)
        XCTAssertFalse(dumped.contains("tok-123"))
    }

    func testRedactedURLDropsUserinfoOnly() {
        XCTAssertEqual(CredentialRedactor.redactURL("https://u:p@host:443/metrics?x=1"), "https://host:443/metrics?x=1")
        XCTAssertEqual(CredentialRedactor.redactURL("http://host/metrics"), "http://host/metrics")
        XCTAssertEqual(CredentialRedactor.redact("proxy http://u:pw@p:3128 refused", secrets: ["tok"]),
                       "proxy http://p:3128 refused")
        XCTAssertEqual(CredentialRedactor.redact("bad token abc123", secrets: ["abc123"]), "bad token <secret>")
    }

    func testSiblingURLReplacesTheMetricsPathAndKeepsWhatIsInFrontOfIt() {
        func sibling(_ url: String, _ path: String = "/debug/pprof/heap") -> String? {
            ScrapeTarget(url: url, labels: []).siblingURL(path: path)
        }
        XCTAssertEqual(sibling("https://10.0.0.1:6443/metrics"), "https://10.0.0.1:6443/debug/pprof/heap")
        XCTAssertEqual(sibling("http://127.0.0.1:2381/metrics?format=x", "/debug/pprof/goroutine?debug=1"),
                       "http://127.0.0.1:2381/debug/pprof/goroutine?debug=1")
        XCTAssertEqual(sibling("https://api:6443/api/v1/nodes/n1/proxy/metrics/cadvisor"),
                       "https://api:6443/api/v1/nodes/n1/proxy/debug/pprof/heap")
        XCTAssertEqual(sibling("http://[::1]:9100/federate"), "http://[::1]:9100/debug/pprof/heap")
        XCTAssertEqual(sibling("http://h:1"), "http://h:1/debug/pprof/heap")
        XCTAssertEqual(sibling("http://h:1/metrics", "debug/pprof/heap"), "http://h:1/debug/pprof/heap")
        XCTAssertNil(sibling("file:///etc/passwd"))
    }

    func testSiblingKeepsCredentialsAndTLSButTakesItsOwnLimits() throws {
        var tls = TLSSettings()
        tls.serverName = "etcd.local"
        let target = ScrapeTarget(url: "https://10.0.0.1:2379/metrics", labels: [Label("job", "etcd")],
                                  intervalSeconds: 1, timeoutSeconds: 1, tls: tls,
                                  authorization: .credentialsFile(type: "Bearer", path: "/var/run/token"))
        let profile = try XCTUnwrap(target.sibling(path: "/debug/pprof/heap", timeoutSeconds: 30, bodyLimitBytes: 1 << 20))
        XCTAssertEqual(profile.url, "https://10.0.0.1:2379/debug/pprof/heap")
        XCTAssertEqual(profile.tls, tls)
        XCTAssertEqual(profile.authorization, target.authorization)
        XCTAssertEqual(profile.timeoutSeconds, 30, "a profile may take longer than the scrape interval")
        XCTAssertEqual(profile.bodyLimitBytes, 1 << 20)
        XCTAssertEqual(profile.labels, target.labels)
    }
}
