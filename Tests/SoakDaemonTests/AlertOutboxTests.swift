import Foundation
import Logging
import XCTest
@testable import SoakDaemon

final class AlertOutboxTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_795_200_000)
    private let noJitter = RetryBackoff(jitterFraction: 0)

    private func outbox(_ notifiers: [any AlertNotifier], storage: InMemoryOutboxStorage, log: CapturedLog = CapturedLog()) -> AlertOutbox {
        AlertOutbox(storage: storage, notifiers: notifiers, backoff: noJitter, random: { 0 }, logger: log.logger)
    }

    func testEnqueueFansOutToEveryReceiverAndDeliversOnce() async throws {
        let a = ScriptedNotifier(name: "a"), b = ScriptedNotifier(name: "b")
        let storage = InMemoryOutboxStorage()
        let box = outbox([a, b], storage: storage)
        let entries = try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))
        XCTAssertEqual(entries.map(\.receiver), ["a", "b"])
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.delivered, 2)
        let again = try await box.deliverDue(now: t0.addingTimeInterval(60))
        XCTAssertEqual(again, AlertOutbox.DrainReport())
        XCTAssertEqual(a.deliveries.count, 1)
        XCTAssertEqual(b.deliveries.count, 1)
        let states = await storage.all().map(\.state)
        XCTAssertEqual(states, [.delivered, .delivered])
    }

    func testRetryableFailureIsRetriedWithExponentialBackoffUntilDelivered() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "connection refused", receiver: "am", target: "http://am.test/")
        let am = ScriptedNotifier(name: "am", script: [.retryable(down), .retryable(down), .retryable(down)])
        let storage = InMemoryOutboxStorage()
        let box = outbox([am], storage: storage)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))

        var report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.retried, 1)
        var entry = await storage.all()[0]
        XCTAssertEqual(entry.attempts, 1)
        XCTAssertEqual(entry.nextAttemptAt, t0.addingTimeInterval(1))
        XCTAssertEqual(entry.lastError, "transport: connection refused (receiver am, http://am.test/)")

        report = try await box.deliverDue(now: t0.addingTimeInterval(0.5))
        XCTAssertEqual(report.retried + report.delivered, 0, "not due before its backoff")
        _ = try await box.deliverDue(now: t0.addingTimeInterval(1))
        entry = await storage.all()[0]
        XCTAssertEqual(entry.nextAttemptAt, t0.addingTimeInterval(1 + 2))
        _ = try await box.deliverDue(now: t0.addingTimeInterval(3))
        entry = await storage.all()[0]
        XCTAssertEqual(entry.nextAttemptAt, t0.addingTimeInterval(3 + 4))
        report = try await box.deliverDue(now: t0.addingTimeInterval(7))
        XCTAssertEqual(report.delivered, 1)
        entry = await storage.all()[0]
        XCTAssertEqual(entry.state, .delivered)
        XCTAssertEqual(entry.attempts, 3)
        XCTAssertEqual(am.deliveries.count, 4)
    }

    func testRejectedIsNotRetriedAndIsLoggedAsAnError() async throws {
        let am = ScriptedNotifier(name: "am", script: [.rejected(ScriptedNotifier.failure("am", status: 400))])
        let storage = InMemoryOutboxStorage()
        let log = CapturedLog()
        let box = outbox([am], storage: storage, log: log)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.rejected, 1)
        _ = try await box.deliverDue(now: t0.addingTimeInterval(3600))
        XCTAssertEqual(am.deliveries.count, 1)
        let entry = await storage.all()[0]
        XCTAssertEqual(entry.state, .rejected)
        let errors = log.lines.filter { $0.level == .error }
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].text.hasPrefix("alert rejected by receiver; not retried"), errors[0].text)
        XCTAssertTrue(errors[0].text.contains("HTTP 400"), errors[0].text)
    }

    func testFiringIsDeliveredBeforeItsResolveWhileTheReceiverIsDown() async throws {
        let down = AlertDeliveryError(kind: .timeout, message: "timed out", receiver: "hook", target: "http://h.test/")
        let hook = ScriptedNotifier(name: "hook", script: [.retryable(down)])
        let storage = InMemoryOutboxStorage()
        let box = outbox([hook], storage: storage)
        let firing = Fixtures.finding()
        try await box.enqueue(Fixtures.notification(firing, createdAt: t0))
        _ = try await box.deliverDue(now: t0)
        // The episode ends while the firing is still undelivered.
        try await box.enqueue(Fixtures.notification(firing.resolved(at: t0.addingTimeInterval(0.2)), createdAt: t0.addingTimeInterval(0.2)))
        let early = try await box.deliverDue(now: t0.addingTimeInterval(0.5))
        XCTAssertEqual(early.deferred, 1, "the resolve waits behind the pending firing")
        XCTAssertEqual(hook.deliveries.count, 1)
        let report = try await box.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(report.delivered, 2, "the firing, then in the same round its resolve")
        XCTAssertEqual(hook.deliveries.map(\.state), [.firing, .firing, .resolved])
    }

    func testResolveWaitsForItsFiringAcrossARestart() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "refused", receiver: "hook", target: "http://h.test/")
        let storage = InMemoryOutboxStorage()
        let before = outbox([ScriptedNotifier(name: "hook", then: .retryable(down))], storage: storage)
        let firing = Fixtures.finding()
        try await before.enqueue(Fixtures.notification(firing, createdAt: t0))
        _ = try await before.deliverDue(now: t0)
        // Restarted: the new outbox knows nothing of the receiver's pause, and the resolve is due
        // before the firing's retry.
        let hook = ScriptedNotifier(name: "hook")
        let after = outbox([hook], storage: storage)
        try await after.enqueue(Fixtures.notification(firing.resolved(at: t0.addingTimeInterval(0.2)), createdAt: t0.addingTimeInterval(0.2)))
        let early = try await after.deliverDue(now: t0.addingTimeInterval(0.5))
        XCTAssertEqual(early.delivered, 0)
        XCTAssertEqual(early.deferred, 1)
        XCTAssertTrue(hook.deliveries.isEmpty)
        _ = try await after.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(hook.deliveries.map(\.state), [.firing, .resolved])
    }

    func testNewerFiringSupersedesAnUndeliveredOlderFiring() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "refused", receiver: "am", target: "http://am.test/")
        let am = ScriptedNotifier(name: "am", script: [.retryable(down)])
        let storage = InMemoryOutboxStorage()
        let box = outbox([am], storage: storage)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(growthPercentPerHour: 1), createdAt: t0))
        _ = try await box.deliverDue(now: t0)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(growthPercentPerHour: 2), createdAt: t0.addingTimeInterval(60)))
        try await box.enqueue(Fixtures.notification(Fixtures.finding(growthPercentPerHour: 3), createdAt: t0.addingTimeInterval(120)))
        let report = try await box.deliverDue(now: t0.addingTimeInterval(120))
        XCTAssertEqual(report.delivered, 1)
        XCTAssertEqual(am.deliveries.map(\.finding.growthPercentPerHour), [1, 3])
        let states = await storage.all().map(\.state)
        XCTAssertEqual(states, [.superseded, .superseded, .delivered])
    }

    func testADownReceiverIsPausedAndDoesNotDelayOthers() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "refused", receiver: "am", target: "http://am.test/")
        let am = ScriptedNotifier(name: "am", then: .retryable(down))
        let hook = ScriptedNotifier(name: "hook")
        let storage = InMemoryOutboxStorage()
        let box = outbox([am, hook], storage: storage)
        for instance in ["a:1", "b:1", "c:1"] {
            try await box.enqueue(Fixtures.notification(Fixtures.finding(instance: instance), createdAt: t0))
        }
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.delivered, 3, "hook gets all three")
        XCTAssertEqual(report.retried, 1, "am is tried once, then paused")
        XCTAssertEqual(report.deferred, 2)
        XCTAssertEqual(am.deliveries.count, 1)
        _ = try await box.deliverDue(now: t0.addingTimeInterval(0.9))
        XCTAssertEqual(am.deliveries.count, 1, "paused until the backoff passes")
        am.setFallback(.delivered)
        let recovered = try await box.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(recovered.delivered, 3)
        XCTAssertEqual(Set(am.deliveries.map(\.finding.seriesLabels["instance"])), ["a:1", "b:1", "c:1"])
    }

    func testPendingEntriesSurviveANewOutboxOverTheSameStorage() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "refused", receiver: "am", target: "http://am.test/")
        let storage = InMemoryOutboxStorage()
        let before = outbox([ScriptedNotifier(name: "am", then: .retryable(down))], storage: storage)
        let notification = Fixtures.notification(Fixtures.finding(), createdAt: t0)
        try await before.enqueue(notification)
        _ = try await before.deliverDue(now: t0)
        // The daemon restarts: a new outbox, new notifiers, the same (durable) storage.
        let am = ScriptedNotifier(name: "am")
        let after = outbox([am], storage: storage)
        let report = try await after.deliverDue(now: t0.addingTimeInterval(1))
        XCTAssertEqual(report.delivered, 1)
        XCTAssertEqual(am.deliveries, [notification])
        XCTAssertEqual(am.deliveries[0].dedupeKey, notification.finding.dedupeKey)
    }

    func testEntriesForAnUnconfiguredReceiverAreRejected() async throws {
        let storage = InMemoryOutboxStorage()
        let box = outbox([ScriptedNotifier(name: "am")], storage: storage)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0), to: ["gone"])
        let report = try await box.deliverDue(now: t0)
        XCTAssertEqual(report.rejected, 1)
        let entry = await storage.all()[0]
        XCTAssertEqual(entry.lastError, "configuration: receiver is no longer configured (receiver gone, outbox)")
    }

    func testRemoveFinishedKeepsPendingEntries() async throws {
        let down = AlertDeliveryError(kind: .transport, message: "refused", receiver: "b", target: "http://b.test/")
        let storage = InMemoryOutboxStorage()
        let box = outbox([ScriptedNotifier(name: "a"), ScriptedNotifier(name: "b", then: .retryable(down))], storage: storage)
        try await box.enqueue(Fixtures.notification(Fixtures.finding(), createdAt: t0))
        _ = try await box.deliverDue(now: t0)
        let removed = try await box.removeFinished(before: t0.addingTimeInterval(1))
        XCTAssertEqual(removed, 1)
        let left = await storage.all().map(\.receiver)
        XCTAssertEqual(left, ["b"])
    }
}
