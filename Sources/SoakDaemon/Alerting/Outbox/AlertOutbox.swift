import Foundation
import Logging

/// Durable, ordered, retried delivery of leak notifications to every configured receiver.
///
/// The daemon calls ``enqueue(_:)`` when it decides to send something (a new episode, a firing
/// refresh, a resolve) and ``deliverDue(now:)`` periodically (every second or so). Entries are
/// written to the ``OutboxStorage`` before any delivery is tried, so a receiver that is down — or
/// a daemon that is killed — delays a notification but does not lose it.
///
/// Semantics, per receiver and episode (dedupe key):
/// - **Order**: entries are delivered in enqueue order; a later entry waits while an earlier one
///   is pending, so a firing is always delivered before its resolve.
/// - **Superseding**: a new entry replaces pending entries *of the same state* (an undelivered
///   firing refresh is dropped when a newer firing arrives — its numbers are stale). A resolve
///   never drops a pending firing: receivers without Alertmanager's `startsAt` semantics (webhook,
///   exec) would otherwise learn of a leak only from its end.
/// - **Retries**: a retryable failure schedules the entry after ``RetryBackoff`` and pauses that
///   receiver until then, so a down receiver gets one connection attempt per backoff step, not
///   one per pending entry.
/// - **Rejection**: a 4xx ends the entry as `rejected`, logged at error level; it is not retried.
///   The next entry of the episode proceeds.
/// - **At least once**: an entry is marked delivered after the receiver accepted it; a crash in
///   between re-sends it once after restart — with the same dedupe key, so it is recognisably
///   the same episode.
public actor AlertOutbox {
    /// What one ``deliverDue(now:)`` call did.
    public struct DrainReport: Sendable, Equatable {
        public var delivered = 0
        public var retried = 0
        public var rejected = 0
        /// Due entries not tried because their receiver is paused or an earlier entry of their
        /// episode is still pending.
        public var deferred = 0

        public init() {}
    }

    private let storage: any OutboxStorage
    private let notifiers: [String: any AlertNotifier]
    private let receiverOrder: [String]
    private let backoff: RetryBackoff
    private let random: @Sendable () -> Double
    private let logger: Logger
    /// Receivers paused after a retryable failure, until this time. In memory: after a restart
    /// every receiver is tried once, then pauses again if still down.
    private var receiverPausedUntil: [String: Date] = [:]
    /// Entries being delivered right now; never superseded mid-flight.
    private var inFlight: Set<Int64> = []
    private var isDraining = false

    /// - Parameters:
    ///   - notifiers: the receivers; names must be unique (the first of a duplicate wins).
    ///   - random: a source of uniform [0, 1) values for jitter; tests pin it.
    ///   - logger: where delivery failures are reported; the executable chooses the backend.
    public init(
        storage: any OutboxStorage,
        notifiers: [any AlertNotifier],
        backoff: RetryBackoff = RetryBackoff(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger
    ) {
        self.storage = storage
        var byName: [String: any AlertNotifier] = [:]
        var order: [String] = []
        for notifier in notifiers where byName[notifier.name] == nil {
            byName[notifier.name] = notifier
            order.append(notifier.name)
        }
        self.notifiers = byName
        self.receiverOrder = order
        self.backoff = backoff
        self.random = random
        self.logger = logger
    }

    /// The configured receivers' names, in configuration order.
    public var receivers: [String] { receiverOrder }

    /// Stores `notification` once for every receiver; it is due immediately.
    @discardableResult
    public func enqueue(_ notification: AlertNotification) async throws -> [OutboxEntry] {
        try await enqueue(notification, to: receiverOrder)
    }

    /// Stores `notification` for the named receivers only.
    @discardableResult
    public func enqueue(_ notification: AlertNotification, to receivers: [String]) async throws -> [OutboxEntry] {
        let payload = try notification.encoded()
        let pendingBefore = try await storage.pending()
        var stored: [OutboxEntry] = []
        for receiver in receivers {
            let entry = try await storage.enqueue(NewOutboxEntry(
                receiver: receiver, dedupeKey: notification.dedupeKey, alertState: notification.state,
                payload: payload, createdAt: notification.createdAt))
            for older in pendingBefore
            where older.receiver == receiver && older.dedupeKey == entry.dedupeKey
                && older.alertState == entry.alertState && !inFlight.contains(older.id) {
                try await storage.markSuperseded(id: older.id, by: entry.id, at: notification.createdAt)
            }
            stored.append(entry)
        }
        return stored
    }

    /// Tries every entry that is due at `now` and allowed by the ordering rules; receivers are
    /// served concurrently, each receiver's entries one after another.
    ///
    /// Returns at once with an empty report when another drain is still running.
    public func deliverDue(now: Date) async throws -> DrainReport {
        guard !isDraining else { return DrainReport() }
        isDraining = true
        defer { isDraining = false }

        var report = DrainReport()
        var batches: [String: [OutboxEntry]] = [:]
        // Episodes with an earlier pending entry that is not going out in this round: their later
        // entries wait. Within a receiver's batch, order is kept by delivering sequentially and
        // stopping at the first retryable failure.
        var blockedEpisodes: Set<String> = []
        for entry in try await storage.pending() {
            let episode = entry.receiver + "\u{0}" + entry.dedupeKey
            let paused = receiverPausedUntil[entry.receiver].map { $0 > now } ?? false
            let due = entry.nextAttemptAt <= now
            if blockedEpisodes.contains(episode) || paused || !due {
                blockedEpisodes.insert(episode)
                if due { report.deferred += 1 }
                continue
            }
            batches[entry.receiver, default: []].append(entry)
        }
        guard !batches.isEmpty else { return report }
        for entries in batches.values { entries.forEach { inFlight.insert($0.id) } }
        defer { for entries in batches.values { entries.forEach { inFlight.remove($0.id) } } }

        let results = await withTaskGroup(of: [(OutboxEntry, DeliveryOutcome)].self) { group in
            for (receiver, entries) in batches {
                let notifier = notifiers[receiver]
                group.addTask {
                    await AlertOutbox.deliverSequentially(entries, to: notifier, receiver: receiver)
                }
            }
            var all: [(OutboxEntry, DeliveryOutcome)] = []
            for await batch in group { all += batch }
            return all
        }

        for (entry, outcome) in results {
            try await record(outcome, for: entry, now: now, report: &report)
        }
        report.deferred += batches.values.reduce(0) { $0 + $1.count } - results.count
        return report
    }

    /// Deletes entries finished before `time` (see ``OutboxStorage/removeFinished(before:)``).
    @discardableResult
    public func removeFinished(before time: Date) async throws -> Int {
        try await storage.removeFinished(before: time)
    }

    /// Delivers one receiver's entries in order, stopping at the first retryable failure: the
    /// receiver is down or struggling, and the rest would fail the same way.
    private static func deliverSequentially(
        _ entries: [OutboxEntry], to notifier: (any AlertNotifier)?, receiver: String
    ) async -> [(OutboxEntry, DeliveryOutcome)] {
        var results: [(OutboxEntry, DeliveryOutcome)] = []
        for entry in entries {
            let outcome: DeliveryOutcome
            if let notifier {
                do {
                    outcome = await notifier.deliver(try AlertNotification.decode(entry.payload))
                } catch {
                    outcome = .rejected(AlertDeliveryError(
                        kind: .payload, message: "stored payload cannot be read: \(error)", receiver: receiver, target: "outbox"))
                }
            } else {
                outcome = .rejected(AlertDeliveryError(
                    kind: .configuration, message: "receiver is no longer configured", receiver: receiver, target: "outbox"))
            }
            results.append((entry, outcome))
            if case .retryable = outcome { break }
        }
        return results
    }

    private func record(_ outcome: DeliveryOutcome, for entry: OutboxEntry, now: Date, report: inout DrainReport) async throws {
        var metadata: Logger.Metadata = [
            "receiver": "\(entry.receiver)", "dedupe_key": "\(entry.dedupeKey)",
            "alert_state": "\(entry.alertState.rawValue)", "outbox_id": "\(entry.id)",
        ]
        switch outcome {
        case .delivered:
            try await storage.markDelivered(id: entry.id, at: now)
            receiverPausedUntil[entry.receiver] = nil
            report.delivered += 1
            metadata["attempts"] = "\(entry.attempts + 1)"
            logger.debug("alert delivered", metadata: metadata)
        case .retryable(let error):
            let attempt = entry.attempts + 1
            let delay = backoff.delaySeconds(afterAttempt: attempt, unitRandom: random())
            let next = now.addingTimeInterval(delay)
            try await storage.markAttempt(id: entry.id, nextAttemptAt: next, lastError: error.description)
            receiverPausedUntil[entry.receiver] = next
            report.retried += 1
            metadata["attempt"] = "\(attempt)"
            metadata["retry_in_seconds"] = "\(AlertRendering.fixed(delay, 1))"
            metadata["error"] = "\(error)"
            logger.warning("alert delivery failed; will retry", metadata: metadata)
        case .rejected(let error):
            try await storage.markRejected(id: entry.id, at: now, lastError: error.description)
            report.rejected += 1
            metadata["error"] = "\(error)"
            logger.error("alert rejected by receiver; not retried", metadata: metadata)
        }
    }
}
