import SoakModel
import Foundation
import XCTest
@testable import SoakDaemon

final class LeakFindingTests: XCTestCase {
    func testDedupeKeyIgnoresLabelOrderStateSeverityAndNumbers() {
        let firing = Fixtures.finding(growthPercentPerHour: 2.5, hoursToExhaustion: 100)
        var refreshed = Fixtures.finding(growthPercentPerHour: 9.0, hoursToExhaustion: 3)
        refreshed.firstAlertAt = Date()
        let resolved = firing.resolved(at: Fixtures.onset.addingTimeInterval(86_400))
        XCTAssertEqual(firing.severity, .warning)
        XCTAssertEqual(refreshed.severity, .critical)
        XCTAssertEqual(firing.dedupeKey, refreshed.dedupeKey)
        XCTAssertEqual(firing.dedupeKey, resolved.dedupeKey)
        XCTAssertEqual(firing.dedupeKey.count, 32)
        XCTAssertTrue(firing.dedupeKey.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    func testDedupeKeyIsAFixedFunctionOfLabelsAndOnset() {
        // Recomputed from the definition, so a change to the key (which would re-announce every
        // open episode after an upgrade) fails here.
        let labels = ["__name__": "go_goroutines", "job": "apiserver", "instance": "a:6443"]
        let key = LeakFinding.episodeKey(seriesLabels: labels, onsetAt: Fixtures.onset)
        XCTAssertEqual(key, LeakFinding.episodeKey(seriesLabels: labels.reversedOrderCopy(), onsetAt: Fixtures.onset))
        XCTAssertNotEqual(key, LeakFinding.episodeKey(seriesLabels: labels, onsetAt: Fixtures.onset.addingTimeInterval(1)))
        XCTAssertNotEqual(key, LeakFinding.episodeKey(seriesLabels: labels.merging(["instance": "b:6443"]) { $1 }, onsetAt: Fixtures.onset))
        // Framing: moving text between a name and a value changes the key.
        XCTAssertNotEqual(
            LeakFinding.episodeKey(seriesLabels: ["a": "bc"], onsetAt: Fixtures.onset),
            LeakFinding.episodeKey(seriesLabels: ["ab": "c"], onsetAt: Fixtures.onset))
    }

    func testLinkJoinsExternalURLAndFindingIDWithOneSlash() {
        XCTAssertEqual(Fixtures.finding(externalURL: "http://soak.test:9847/").linkURL, "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual(Fixtures.finding(externalURL: "http://soak.test:9847").linkURL, "http://soak.test:9847/api/v1/findings/42")
    }

    func testSeriesSelectorSortsAndEscapesLabels() {
        var finding = Fixtures.finding(version: nil)
        finding.seriesLabels["path"] = "a\"b\\c\nd"
        XCTAssertEqual(finding.seriesSelector, #"process_resident_memory_bytes{instance="10.0.0.7:2379",job="etcd",path="a\"b\\c\nd"}"#)
    }

    func testSeverityIsCriticalOnlyWithinTheHorizon() {
        let policy = SeverityPolicy(criticalHorizonHours: 24)
        XCTAssertEqual(policy.severity(hoursToExhaustion: 23.9), .critical)
        XCTAssertEqual(policy.severity(hoursToExhaustion: 24), .critical)
        XCTAssertEqual(policy.severity(hoursToExhaustion: 24.1), .warning)
        XCTAssertEqual(policy.severity(hoursToExhaustion: nil), .warning)
        XCTAssertEqual(policy.severity(hoursToExhaustion: .infinity), .warning)
    }

    func testNotificationRoundTripsThroughStoredJSON() throws {
        let finding = Fixtures.finding(resource: .fileDescriptors, state: .resolved, resolvedAt: Fixtures.onset.addingTimeInterval(7200.125))
        let notification = Fixtures.notification(finding, createdAt: Fixtures.onset.addingTimeInterval(7201))
        let data = try notification.encoded()
        XCTAssertEqual(try AlertNotification.decode(data), notification)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(#""resource":"fds""#), text)
        XCTAssertTrue(text.contains(#""resolvedAt":"2026-11-20T02:00:00.125Z""#), text)
        XCTAssertTrue(text.contains(#""linkURL":"http://soak.test:9847/api/v1/findings/42""#), text)
    }

    func testResourceKindsReadBackFromTheirLabelValues() throws {
        // One ResourceKind (SoakModel) for detector, store and alerts: every kind round-trips
        // through its label value; a name this build does not know reads as `other`.
        for kind in ResourceKind.allCases { XCTAssertEqual(ResourceKind(labelValue: kind.labelValue), kind) }
        XCTAssertEqual(ResourceKind(labelValue: "fds"), .fileDescriptors)
        XCTAssertEqual(ResourceKind(labelValue: "inodes"), .other)
        XCTAssertEqual(ResourceKind.other.labelValue, "other")
    }

    func testRFC3339FormatsAndParsesUTCWithMilliseconds() {
        XCTAssertEqual(RFC3339.string(from: Fixtures.onset), "2026-11-20T00:00:00.000Z")
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 0.5)), "1970-01-01T00:00:00.500Z")
        XCTAssertEqual(RFC3339.date(from: "2026-11-20T00:00:00.000Z"), Fixtures.onset)
        XCTAssertEqual(RFC3339.date(from: "2026-11-20T02:00:00+02:00"), Fixtures.onset)
        XCTAssertEqual(RFC3339.date(from: "2026-11-20T00:00:01.25Z")?.timeIntervalSince(Fixtures.onset), 1.25)
        XCTAssertNil(RFC3339.date(from: "2026-11-20 00:00:00Z"))
        XCTAssertNil(RFC3339.date(from: "2026-11-20T00:00:00"))
    }
}

private extension Dictionary where Key == String, Value == String {
    /// The same pairs inserted in reverse key order (a different internal order is not
    /// guaranteed, but the key must not depend on it either way).
    func reversedOrderCopy() -> [String: String] {
        var copy: [String: String] = [:]
        for key in keys.sorted().reversed() { copy[key] = self[key] }
        return copy
    }
}
