import HTTPClient
import Foundation
import XCTest
@testable import SoakDaemon

final class AlertRenderingTests: XCTestCase {
    func testLabelsAreTheSeriesTargetLabelsPlusAlertIdentity() {
        let labels = AlertRendering.labels(for: Fixtures.finding())
        XCTAssertEqual(labels, [
            "alertname": "SoakLeakDetected", "job": "etcd", "instance": "10.0.0.7:2379", "version": "v3.4.23",
            "metric": "process_resident_memory_bytes", "resource": "memory", "severity": "critical",
        ])
    }

    func testAnnotationsCarryTheEvidenceAndOmitUnknownExhaustion() {
        let annotations = AlertRendering.annotations(for: Fixtures.finding())
        XCTAssertEqual(annotations["growth_percent_per_hour"], "2.500")
        XCTAssertEqual(annotations["slope_per_hour"], "1250000")
        XCTAssertEqual(annotations["hours_to_exhaustion"], "17.5")
        XCTAssertEqual(annotations["finding_url"], "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual(annotations["summary"], #"Memory leak in process_resident_memory_bytes (job="etcd", instance="10.0.0.7:2379"): +2.50 %/h"#)
        XCTAssertTrue(annotations["description"]!.contains("Projected exhaustion in 17.5 h."))
        XCTAssertNil(AlertRendering.annotations(for: Fixtures.finding(hoursToExhaustion: nil))["hours_to_exhaustion"])
    }

    func testLogLineSaysStateSeverityResourceSeriesAndLink() {
        let line = LogNotifier.line(for: Fixtures.notification(Fixtures.finding(resource: .fileDescriptors)))
        XCTAssertEqual(line, #"LEAK FIRING critical fds process_resident_memory_bytes{instance="10.0.0.7:2379",job="etcd",version="v3.4.23"} +2.50 %/h, +1250000 fds/h, exhaustion in 17.5 h (confidence 0.97) http://soak.test:9847/api/v1/findings/42"#)
    }

    func testResolvedLogLineSaysWhenItEndedAndNoLongerProjects() {
        let finding = Fixtures.finding(version: nil).resolved(at: Fixtures.onset.addingTimeInterval(86_400))
        XCTAssertEqual(
            LogNotifier.line(for: Fixtures.notification(finding)),
            #"LEAK RESOLVED critical memory process_resident_memory_bytes{instance="10.0.0.7:2379",job="etcd"} +2.50 %/h, +1.2 MiB/h (confidence 0.97) resolved at 2026-11-21T00:00:00.000Z http://soak.test:9847/api/v1/findings/42"#)
    }

    func testLogNotifierWritesOneLinePerNotification() async {
        let lines = LockedLines()
        let notifier = LogNotifier(name: "terminal") { lines.append($0) }
        let outcome = await notifier.deliver(Fixtures.notification(Fixtures.finding()))
        XCTAssertEqual(outcome, .delivered)
        XCTAssertEqual(lines.values.count, 1)
        XCTAssertTrue(lines.values[0].hasPrefix("LEAK FIRING critical memory"))
    }

    func testRedactedURLDropsUserinfoOnly() {
        XCTAssertEqual(AlertDeliveryError.redactedURL("https://u:s3cret@am.test:9093/path?q=1"), "https://am.test:9093/path?q=1")
        XCTAssertEqual(AlertDeliveryError.redactedURL("http://am.test/a@b"), "http://am.test/a@b")
        XCTAssertEqual(AlertDeliveryError.redactedURL("http://am.test"), "http://am.test")
    }

    func testHTTPStatusClassification() {
        func outcome(_ status: Int) -> DeliveryOutcome {
            HTTPDelivery.classify(HTTPResponse(status: status, body: Array("nope".utf8)), receiver: "r", target: "http://t/")
        }
        XCTAssertEqual(outcome(200), .delivered)
        XCTAssertEqual(outcome(204), .delivered)
        for status in [500, 502, 503, 408, 429] {
            guard case .retryable(let error) = outcome(status) else { return XCTFail("\(status) should be retryable") }
            XCTAssertEqual(error.httpStatus, status)
        }
        for status in [400, 401, 404, 422, 301] {
            guard case .rejected(let error) = outcome(status) else { return XCTFail("\(status) should be rejected") }
            XCTAssertEqual(error.description, "httpStatus HTTP \(status): receiver answered HTTP \(status): nope (receiver r, http://t/)")
        }
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var values: [String] { lock.withLock { lines } }
}
