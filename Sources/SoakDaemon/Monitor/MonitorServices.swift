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
    /// Results waiting for the pipeline beyond this are dropped (oldest first is kept): a stalled
    /// disk must not grow memory without bound.
    public var bufferedResults = 10_000

    public init(pipeline: MonitorPipeline, scrape: SoakConfig, logger: Logger) {
        self.pipeline = pipeline
        self.scrape = scrape
        self.logger = logger
    }

    public func run() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: ScrapeResult.self, bufferingPolicy: .bufferingOldest(bufferedResults))
        let service = ScrapeService(config: scrape, logger: logger) { result in
            if case .dropped = continuation.yield(result) {
                // Counted by the absence of samples; logging each would flood the log.
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
