import MonitorState
import Foundation
import Logging
import ServiceLifecycle

/// A ready-to-run monitor: the database opened and migrated, the pipeline resumed from it, and
/// the services that `soak run` (and `soak demo`) hand to a `ServiceGroup`.
///
/// ```swift
/// let config = try MonitorConfiguration(MonitorConfigFile.load(path: "soak.yml"))
/// let runtime = try await MonitorRuntime.open(configuration: config, logger: logger)
/// try await runtime.run()        // until SIGTERM/SIGINT; then stops scraping, drains, flushes, closes
/// ```
///
/// Services, in start order (a `ServiceGroup` shuts them down in reverse): the pipeline tick
/// (resends; on shutdown it flushes and closes the database, last of all), the outbox drainer,
/// retention, any extra services (the HTTP server), and scraping (stopped first).
public struct MonitorRuntime: Sendable {
    public let configuration: MonitorConfiguration
    public let database: MonitorDatabase
    public let pipeline: MonitorPipeline
    public let logger: Logger
    /// Everything to run, in the order above.
    public let services: [any Service]

    /// Opens the database, builds the pipeline and resumes it from what is stored.
    /// - Parameters:
    ///   - notifiers: the alert receivers; by default those configured under `alerting:`.
    ///   - extraServices: run alongside (e.g. the HTTP server), stopped after scraping.
    ///   - scrapes: false to leave scraping to the caller (who feeds `pipeline.ingest`).
    public static func open(configuration: MonitorConfiguration, notifiers: [any AlertNotifier]? = nil,
                            extraServices: [any Service] = [], scrapes: Bool = true, logger: Logger,
                            clock: @escaping @Sendable () -> Date = { Date() }) async throws -> MonitorRuntime {
        let database = try MonitorDatabase(path: configuration.databasePath, configuration: configuration.store)
        let pipeline = try MonitorPipeline(configuration: configuration, database: database, notifiers: notifiers,
                                           logger: logger, clock: clock)
        try await pipeline.resume()
        var services: [any Service] = [
            PeriodicService(name: "pipeline", intervalSeconds: 1, body: { await pipeline.tick() }, final: {
                await pipeline.waitForEvidence()  // bounded by the evidence timeout
                do {
                    try await database.close()
                    logger.info("database flushed and closed", metadata: ["path": "\(database.path)"])
                } catch {
                    logger.error("closing the database failed", metadata: ["error": "\(error)"])
                }
            }),
            PeriodicService(name: "outbox", intervalSeconds: 1, body: { await pipeline.drainOutbox() }),
            PeriodicService(name: "retention", intervalSeconds: configuration.retentionIntervalSeconds, body: {
                do {
                    let report = try await database.applyRetention(now: clock())
                    let removed = try await pipeline.outbox.removeFinished(
                        before: clock().addingTimeInterval(-configuration.outboxRetentionSeconds))
                    logger.debug("retention", metadata: ["raw_chunks_dropped": "\(report.rawChunksDropped)",
                                                         "outbox_rows_removed": "\(removed)"])
                } catch {
                    logger.error("retention failed", metadata: ["error": "\(error)"])
                }
            }),
        ]
        services += extraServices
        if scrapes { services.append(ScrapeIngestService(pipeline: pipeline, scrape: configuration.scrape, logger: logger)) }
        return MonitorRuntime(configuration: configuration, database: database, pipeline: pipeline, logger: logger,
                              services: services)
    }

    /// Runs every service (plus `extra`, e.g. the HTTP server, which then stops first) until
    /// SIGTERM or SIGINT, then shuts down gracefully.
    public func run(adding extra: [any Service] = []) async throws {
        let group = ServiceGroup(services: services + extra, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
