import Foundation
import HTTPClient
import Logging

/// Scrapes a changing set of targets, each at its own interval, from one thread driving
/// libcurl's multi interface, and hands every ``ScrapeResult`` to a callback.
///
/// Each target is scraped at `interval`, phase-shifted by a stable hash of its identity so that
/// thousands of targets spread over the interval instead of arriving together (Prometheus'
/// behaviour). A target's easy handle, and with it the connection, is kept while the target
/// stays in the set given to ``setTargets(_:)``.
///
/// ```swift
/// let scraper = Scraper(logger: logger) { result in store.append(result.allSamples) }
/// scraper.setTargets(try config.staticTargets())
/// scraper.start()
/// // … discovery calls scraper.setTargets(_:) again whenever the target list changes …
/// scraper.stop()
/// ```
/// - warning: `onResult` runs on the scrape thread; keep it short (enqueue, don't store inline),
///   or scrapes of other targets are delayed.
public final class Scraper: @unchecked Sendable {
    public typealias ResultHandler = @Sendable (ScrapeResult) -> Void

    private let logger: Logger
    private let onResult: ResultHandler
    private let engine = CurlMultiEngine<ScrapeTransfer>()
    private let lock = NSLock()
    // Guarded by `lock`:
    private var pendingTargets: [ScrapeTarget]?
    /// The last list given to ``setTargets(_:)``, re-applied when a stopped scraper starts again.
    private var currentTargets: [ScrapeTarget] = []
    private var stopRequested = false
    private var running = false
    private var stats = ScraperStatistics()
    private let finished = DispatchSemaphore(value: 0)

    // Owned by the loop thread:
    private var slots: [ScrapeTransfer?] = []
    private var generations: [Int] = []
    private var slotByIdentity: [String: Int] = [:]
    private var freeSlots: [Int] = []
    private var schedule = ScrapeSchedule()

    public init(logger: Logger = Logger(label: "soak.scrape"), onResult: @escaping ResultHandler) {
        self.logger = logger
        self.onResult = onResult
    }

    /// Replaces the set of targets. Targets whose ``ScrapeTarget/identity`` and settings are
    /// unchanged keep their schedule and connection; new ones start at their offset.
    public func setTargets(_ targets: [ScrapeTarget]) {
        lock.withLock {
            pendingTargets = targets
            currentTargets = targets
        }
        engine.wakeUp()
    }

    /// Starts the scrape thread. Calling it twice does nothing.
    public func start() {
        let alreadyRunning = lock.withLock { () -> Bool in
            defer { running = true }
            if !running { pendingTargets = currentTargets }
            return running
        }
        guard !alreadyRunning else { return }
        let thread = Thread { [self] in
            runLoop()
            finished.signal()
        }
        thread.name = "soak-scrape"
        thread.start()
    }

    /// Stops the scrape thread after aborting transfers in flight; returns when it has ended.
    public func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            stopRequested = true
            return running
        }
        guard wasRunning else { return }
        engine.wakeUp()
        finished.wait()
        lock.withLock { running = false; stopRequested = false }
    }

    /// A snapshot of the counters.
    public var statistics: ScraperStatistics { lock.withLock { stats } }

    /// A scraper whose results arrive on an `AsyncStream` instead of a callback.
    /// The stream is unbounded (a stalled consumer grows memory; results are never dropped
    /// silently) and does not finish by itself: call ``stop()`` to end scraping.
    public static func withResultStream(logger: Logger = Logger(label: "soak.scrape"))
        -> (scraper: Scraper, results: AsyncStream<ScrapeResult>) {
        let (stream, continuation) = AsyncStream.makeStream(of: ScrapeResult.self, bufferingPolicy: .unbounded)
        let scraper = Scraper(logger: logger) { continuation.yield($0) }
        return (scraper, stream)
    }

    /// Scrapes every target once, concurrently, and returns the results in the order of `targets`.
    /// Used by tests and one-shot commands; the periodic ``Scraper`` shares the same engine code.
    public static func scrapeOnce(_ targets: [ScrapeTarget], logger: Logger = Logger(label: "soak.scrape")) -> [ScrapeResult] {
        let engine = CurlMultiEngine<ScrapeTransfer>()
        engine.setConnectionCacheSize(targets.count)
        var results = [ScrapeResult?](repeating: nil, count: targets.count)
        var index: [ObjectIdentifier: Int] = [:]
        var transfers: [ScrapeTransfer] = []  // keeps the handles alive until their results are read
        var remaining = 0
        for (i, target) in targets.enumerated() {
            warnIfInsecure(target, logger: logger)
            guard let transfer = ScrapeTransfer(target: target) else {
                results[i] = ScrapeResult(target: target, timestampMs: SystemClock.wallMilliseconds(),
                                          startedMonotonicSeconds: SystemClock.monotonicSeconds(), durationSeconds: 0, samples: [],
                                          samplesScraped: 0, httpStatus: 0, bodyBytes: 0, newConnections: 0,
                                          error: ScrapeError(kind: .transport, message: "cannot create a libcurl handle",
                                                             url: target.redactedURL))
                continue
            }
            transfers.append(transfer)
            index[ObjectIdentifier(transfer)] = i
            _ = engine.start(transfer)
            remaining += 1
        }
        while remaining > 0 {
            for (transfer, code) in engine.perform() {
                results[index[ObjectIdentifier(transfer)]!] = ScrapeCompletion.result(of: transfer, code: code)
                remaining -= 1
            }
            if remaining > 0 { engine.wait(maxMilliseconds: 100) }
        }
        withExtendedLifetime(transfers) {}
        return results.map { $0! }
    }

    private static func warnIfInsecure(_ target: ScrapeTarget, logger: Logger) {
        guard target.tls.insecureSkipVerify, target.url.lowercased().hasPrefix("https") else { return }
        logger.warning("TLS certificate verification is disabled (insecure_skip_verify)",
                       metadata: ["job": "\(target.job)", "url": "\(target.redactedURL)"])
    }

    // MARK: - Loop thread

    private func runLoop() {
        while true {
            let (targets, stopping) = lock.withLock { () -> ([ScrapeTarget]?, Bool) in
                defer { pendingTargets = nil }
                return (pendingTargets, stopRequested)
            }
            if stopping { break }
            if let targets { apply(targets) }

            var skipped = 0
            let now = SystemClock.monotonicSeconds()
            while let entry = schedule.next, entry.dueMonotonic <= now {
                _ = schedule.pop()
                guard entry.slot < slots.count, generations[entry.slot] == entry.generation,
                      let transfer = slots[entry.slot] else { continue }
                // Shed load instead of collapsing: a beat found more than half an interval late
                // means this thread is starved of CPU; starting it anyway would only add a
                // transfer that times out, reconnects and deepens the backlog. Skip it.
                let late = now - entry.dueMonotonic > transfer.target.intervalSeconds / 2
                if late || !engine.start(transfer) { skipped += 1 }
                var next = entry.dueMonotonic + transfer.target.intervalSeconds
                while next <= now { next += transfer.target.intervalSeconds; skipped += 1 }
                schedule.push(.init(dueMonotonic: next, slot: entry.slot, generation: entry.generation))
            }

            var completed = 0, failed = 0, connections = 0
            for (transfer, code) in engine.perform() {
                let result = ScrapeCompletion.result(of: transfer, code: code)
                completed += 1
                if !result.up { failed += 1 }
                connections += result.newConnections
                // A transfer of a removed target can finish in the same perform(); don't report it.
                if slotByIdentity[transfer.target.identity].map({ slots[$0] === transfer }) ?? false {
                    onResult(result)
                }
            }
            if completed + skipped > 0 {
                // CLOCK_THREAD_CPUTIME_ID is a real system call: read it only when counters change.
                let cpu = SystemClock.threadCPUSeconds()
                lock.withLock {
                    stats.scrapesCompleted += completed
                    stats.scrapesFailed += failed
                    stats.connectionsOpened += connections
                    stats.beatsSkipped += skipped
                    stats.loopCPUSeconds = cpu
                }
            }

            let untilDue = schedule.next.map { ($0.dueMonotonic - SystemClock.monotonicSeconds()) * 1000 } ?? 1000
            engine.wait(maxMilliseconds: Int(max(0, min(1000, untilDue.rounded(.up)))))
        }
        for case let transfer? in slots { engine.abort(transfer) }
        slots.removeAll()
        slotByIdentity.removeAll()
        schedule.removeAll()
    }

    /// Diffs `targets` against the running set: unchanged targets are left alone, changed or
    /// removed ones are aborted and freed, new ones get a slot and their first due time.
    private func apply(_ targets: [ScrapeTarget]) {
        var wanted: [String: ScrapeTarget] = [:]
        for target in targets { wanted[target.identity] = target }
        for (identity, slot) in slotByIdentity {
            guard let transfer = slots[slot] else { continue }
            if let target = wanted[identity], target == transfer.target {
                wanted[identity] = nil
                continue
            }
            engine.abort(transfer)
            slots[slot] = nil
            generations[slot] += 1
            slotByIdentity[identity] = nil
            freeSlots.append(slot)
        }
        let nowMonotonic = SystemClock.monotonicSeconds(), nowWall = SystemClock.wallSeconds()
        for listed in targets {
            // `wanted` now holds only new or changed targets; taking each out once also drops duplicates.
            guard let target = wanted.removeValue(forKey: listed.identity) else { continue }
            guard let transfer = ScrapeTransfer(target: target) else {
                logger.error("cannot create a libcurl handle", metadata: ["url": "\(target.redactedURL)"])
                continue
            }
            Self.warnIfInsecure(target, logger: logger)
            let slot: Int
            if let free = freeSlots.popLast() {
                slot = free
                slots[slot] = transfer
            } else {
                slot = slots.count
                slots.append(transfer)
                generations.append(0)
            }
            slotByIdentity[target.identity] = slot
            let due = ScrapeSchedule.firstDue(of: target, nowMonotonic: nowMonotonic, nowWall: nowWall)
            schedule.push(.init(dueMonotonic: due, slot: slot, generation: generations[slot]))
        }
        engine.setConnectionCacheSize(slotByIdentity.count + 16)
        let count = slotByIdentity.count
        lock.withLock { stats.targets = count }
    }
}
