import Foundation
import Logging
import MetricsScrape
import ServiceLifecycle

/// Scraping as a service: the libcurl scraper (its own thread) hands each result to a stream
/// that this task feeds, in order, to the pipeline. On graceful shutdown the scraper and
/// discovery stop first, then the results already scraped are still ingested ("finish
/// in-flight work") before the service returns.
public struct ScrapeIngestService: Service {
    public let pipeline: MonitorPipeline
    public let scrape: SoakConfig
    public let logger: Logger
    /// Results waiting for the pipeline beyond this are dropped (the oldest are kept) and counted
    /// in `soak_scrape_results_dropped_total`: a stalled disk must not grow memory without bound.
    /// By default about 10 s of scrapes of the static targets, at least 1,000 results — each
    /// result holds its kept samples, so the bound is on memory, not only on count.
    public var bufferedResults: Int

    public init(pipeline: MonitorPipeline, scrape: SoakConfig, logger: Logger) {
        self.pipeline = pipeline
        self.scrape = scrape
        self.logger = logger
        let scrapesPerSecond = scrape.staticTargets().reduce(0.0) { $0 + 1 / max($1.intervalSeconds, 0.001) }
        bufferedResults = max(1_000, Int(10 * scrapesPerSecond))
    }

    public func run() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: ScrapeResult.self, bufferingPolicy: .bufferingOldest(bufferedResults))
        let metrics = pipeline.metrics, logger = self.logger
        let dropWarnings = WarningThrottle(intervalSeconds: 60)
        let service = ScrapeService(config: scrape, logger: logger) { result in
            if case .dropped = continuation.yield(result) {
                metrics.scrapeResultDropped()
                // One warning a minute at most: a stalled store drops hundreds a second.
                if dropWarnings.allows() {
                    logger.warning("scrape results dropped: the pipeline is behind the scraper (store too slow?)",
                                   metadata: ["target": "\(result.target.job)/\(result.target.instance)"])
                }
            }
        }
        service.start()
        logger.info("scraping started", metadata: ["static_targets": "\(scrape.staticTargets().count)",
                                                    "jobs": "\(scrape.scrapeConfigs.count)"])
        await withTaskCancellationOrGracefulShutdownHandler {
            for await result in stream { await pipeline.ingest(result) }
        } onCancelOrGracefulShutdown: {
            service.stop()
            continuation.finish()
        }
        logger.info("scraping stopped")
    }
}

/// A task that runs `body` every `intervalSeconds` until graceful shutdown, then `final` once.
/// The pipeline's tick, the outbox drainer and retention are each one of these.
public struct PeriodicService: Service {
    public let name: String
    public let intervalSeconds: Double
    let body: @Sendable () async -> Void
    let final: @Sendable () async -> Void

    public init(name: String, intervalSeconds: Double, body: @escaping @Sendable () async -> Void,
                final: @escaping @Sendable () async -> Void = {}) {
        self.name = name
        self.intervalSeconds = intervalSeconds
        self.body = body
        self.final = final
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await body()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(intervalSeconds)) }
        }
        await final()
    }
}

/// Lets a repeated warning through at most once per interval; callable from any thread (the
/// scraper's thread reports drops).
final class WarningThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private let intervalSeconds: Double
    private var lastAllowed = Date.distantPast

    init(intervalSeconds: Double) { self.intervalSeconds = intervalSeconds }

    /// True when the last allowed warning is more than the interval ago (and it is now).
    func allows() -> Bool {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastAllowed) > intervalSeconds else { return false }
            lastAllowed = now
            return true
        }
    }
}
