import Foundation
import XCTest
@testable import SoakDaemon

final class ConfigurationTests: XCTestCase {
    func testAlertingSectionReadsWithDefaults() throws {
        // The one reader of `alerting:` (MonitorConfigFile), not a second Codable model.
        let yaml = """
        scrape_configs: [{job_name: a, static_configs: [{targets: ["127.0.0.1:1"]}]}]
        alerting:
          external_url: http://soak:9847
          terminal: true
          alertmanagers: [{url: "http://am:9093", bearer_token_file: /t}]
          webhooks: [{name: ops, url: "https://hooks.test/x", secret_file: /s}]
          exec: [{command: ["/bin/true"], timeout_seconds: 5}]
        """
        let config = try MonitorConfigFile.parse(yaml: yaml, file: "soak.yml", checkFiles: false).alerting
        XCTAssertEqual(config.externalURL, "http://soak:9847")
        XCTAssertEqual(config.criticalHorizonHours, 24)
        XCTAssertEqual(config.alertmanagers[0].resendIntervalSeconds, 60)
        XCTAssertEqual(config.alertmanagers[0].timeoutSeconds, 10)
        XCTAssertEqual(config.alertmanagers[0].credentials.bearerTokenFile, "/t")
        XCTAssertEqual(config.webhooks[0].signatureHeader, "X-Soak-Signature")
        XCTAssertEqual(config.exec[0].timeoutSeconds, 5)
        XCTAssertEqual(config.backoff, RetryBackoff(initialSeconds: 1, maxSeconds: 300))
        XCTAssertEqual(try config.makeNotifiers().map(\.name), ["alertmanager-0", "ops", "exec-0", "terminal"])
    }

    func testCredentialsInURLAndDuplicateNamesAreRefused() {
        let withUserinfo = AlertingConfiguration(alertmanagers: [AlertmanagerConfiguration(url: "http://u:p@am:9093")])
        XCTAssertThrowsError(try withUserinfo.makeNotifiers()) { error in
            let error = error as! AlertingConfigurationError
            XCTAssertEqual(error.kind, .invalidURL)
            XCTAssertFalse(error.description.contains("u:p"), error.description)
        }
        let duplicate = AlertingConfiguration(webhooks: [
            WebhookConfiguration(name: "x", url: "http://a/"), WebhookConfiguration(name: "x", url: "http://b/"),
        ])
        XCTAssertThrowsError(try duplicate.makeNotifiers()) { error in
            XCTAssertEqual((error as! AlertingConfigurationError).description, "alerting.webhooks[1]: receiver name x is used twice")
        }
        XCTAssertThrowsError(try AlertingConfiguration(exec: [ExecConfiguration(command: [])]).makeNotifiers())
        XCTAssertThrowsError(try AlertingConfiguration(webhooks: [WebhookConfiguration(url: "file:///etc/passwd")]).makeNotifiers())
    }

    func testBackoffDoublesFromOneSecondToAFiveMinuteCapWithDownwardJitter() {
        let backoff = RetryBackoff()
        XCTAssertEqual((1...10).map { backoff.delaySeconds(afterAttempt: $0, unitRandom: 0) }, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        XCTAssertEqual(backoff.delaySeconds(afterAttempt: 50, unitRandom: 0), 300)
        XCTAssertEqual(backoff.delaySeconds(afterAttempt: 3, unitRandom: 0.5), 3.6, accuracy: 1e-9)
        XCTAssertEqual(backoff.delaySeconds(afterAttempt: 20, unitRandom: 0.999_999), 240, accuracy: 0.001)
    }
}
