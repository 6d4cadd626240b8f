import SoakModel
import Foundation
import Logging
@testable import SoakDaemon

/// A test's own environment could not be set up (a missing binary, a server that never came up).
struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum Fixtures {
    /// 2026-11-20T00:00:00Z: a fixed onset so dedupe keys are reproducible.
    static let onset = Date(timeIntervalSince1970: 1_795_132_800)

    static func finding(
        instance: String = "10.0.0.7:2379",
        job: String = "etcd",
        metric: String = "process_resident_memory_bytes",
        version: String? = "v3.4.23",
        resource: ResourceKind = .memory,
        state: AlertState = .firing,
        growthPercentPerHour: Double = 2.5,
        hoursToExhaustion: Double? = 17.5,
        onsetAt: Date = Fixtures.onset,
        firstAlertAt: Date = Fixtures.onset.addingTimeInterval(3 * 3600),
        resolvedAt: Date? = nil,
        externalURL: String = "http://soak.test:9847"
    ) -> LeakFinding {
        var labels = ["__name__": metric, "job": job, "instance": instance]
        if let version { labels["version"] = version }
        return LeakFinding(
            seriesLabels: labels, resource: resource, state: state,
            severity: SeverityPolicy().severity(hoursToExhaustion: hoursToExhaustion),
            slopePerHour: 1_250_000, growthPercentPerHour: growthPercentPerHour, hoursToExhaustion: hoursToExhaustion,
            confidence: 0.97, onsetAt: onsetAt, firstAlertAt: firstAlertAt, resolvedAt: resolvedAt,
            findingID: "42", externalURL: externalURL)
    }

    static func notification(_ finding: LeakFinding, createdAt: Date = Date()) -> AlertNotification {
        AlertNotification(finding: finding, createdAt: createdAt)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("soak-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A `LogHandler` that keeps every rendered line, so tests can assert what was (and was not) logged.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(level: Logger.Level, text: String)] = []

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    var lines: [(level: Logger.Level, text: String)] { lock.withLock { entries } }

    var allText: String { lines.map(\.text).joined(separator: "\n") }

    fileprivate func append(_ level: Logger.Level, _ text: String) {
        lock.withLock { entries.append((level, text)) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            self.log.append(event.level, "\(event.message) \(rendered)")
        }
    }
}

/// A notifier whose outcomes the test scripts, recording what it was asked to deliver.
final class ScriptedNotifier: AlertNotifier, @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var script: [DeliveryOutcome]
    private var fallback: DeliveryOutcome
    private var received: [AlertNotification] = []

    init(name: String, script: [DeliveryOutcome] = [], then fallback: DeliveryOutcome = .delivered) {
        self.name = name
        self.script = script
        self.fallback = fallback
    }

    var deliveries: [AlertNotification] { lock.withLock { received } }

    func setFallback(_ outcome: DeliveryOutcome) { lock.withLock { fallback = outcome } }

    func deliver(_ notification: AlertNotification) async -> DeliveryOutcome {
        lock.withLock {
            received.append(notification)
            return script.isEmpty ? fallback : script.removeFirst()
        }
    }

    static func failure(_ receiver: String, status: Int) -> AlertDeliveryError {
        AlertDeliveryError(kind: .httpStatus, message: "receiver answered HTTP \(status)", receiver: receiver, target: "http://r.test/", httpStatus: status)
    }
}
