import Foundation
import Logging
import MetricsScrape
import ServiceLifecycle
import UnixSignals

/// `soak run`'s monitor as one service that can take a new configuration file without the
/// process going down: on SIGHUP (`systemctl reload`) or ``reload(trigger:)`` (`POST /-/reload`)
/// it reads and checks the file, and when it is valid, stops the running ``MonitorRuntime``
/// gracefully (scraping first, then flush and close) and starts one with the new settings on
/// the same database, which resumes from it as a restart would: findings, open episodes, the
/// outbox and every stored sample carry over, detectors are rebuilt from stored samples with
/// the new thresholds, nothing is announced twice.
///
/// - Scrape configs, alerting receivers, detection, storage retention and evidence reload.
/// - `storage.path` and the `web` listener (address, token, public paths) belong to the
///   process: a reload that changes them keeps the running values and says so
///   (``ReloadOutcome/restartRequired``).
/// - A file with problems is refused with every problem and its line; the running
///   configuration keeps running.
///
/// The HTTP server, outside, reads the monitor through this type (it forwards to the current
/// pipeline), so the listener and the self-metrics registry survive a reload. SIGHUP is trapped
/// from the moment ``run()`` starts; before, its default action would end the process.
public actor ReloadableMonitor: Service, MonitorStatusProvider {
    /// Starts a runtime for a configuration (the default opens the database and resumes).
    public typealias RuntimeOpener = @Sendable (MonitorConfiguration) async throws -> MonitorRuntime

    public nonisolated let configPath: String
    private let logger: Logger
    private let openRuntime: RuntimeOpener
    /// The file in force, as read (sections compared on reload), and what was derived from it.
    public private(set) var file: MonitorConfigFile
    public private(set) var configuration: MonitorConfiguration
    /// The runtime in force; nil while starting or between two runtimes of a reload.
    public private(set) var runtime: MonitorRuntime?
    private var group: ServiceGroup?
    private var pendingSwap: (file: MonitorConfigFile, configuration: MonitorConfiguration, outcome: ReloadOutcome,
                              continuation: CheckedContinuation<ReloadOutcome, Never>)?
    private var reloading = false

    /// - Parameters:
    ///   - configPath: the file reloads read again.
    ///   - file: what it held at start.
    /// - throws: when the file's settings cannot run (``MonitorConfiguration/init(_:)``).
    public init(configPath: String, file: MonitorConfigFile, logger: Logger, openRuntime: RuntimeOpener? = nil) throws {
        self.configPath = configPath
        self.file = file
        self.configuration = try MonitorConfiguration(file)
        self.logger = logger
        self.openRuntime = openRuntime ?? { configuration in
            try await MonitorRuntime.open(configuration: configuration, logger: logger)
        }
    }

    /// Opens the runtime and runs its services until graceful shutdown, swapping runtimes on reloads.
    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let signalTask = Task { [weak self] in
            for await _ in signals {
                guard let self else { return }
                _ = await self.reload(trigger: "SIGHUP")
            }
        }
        defer { signalTask.cancel() }

        var current = try await openRuntime(configuration)
        while true {
            runtime = current
            let group = ServiceGroup(configuration: .init(services: current.services, logger: logger))
            self.group = group
            try await withGracefulShutdownHandler {
                try await group.run()
            } onGracefulShutdown: {
                Task { await group.triggerGracefulShutdown() }
            }
            self.group = nil
            guard let swap = pendingSwap else { return }
            pendingSwap = nil
            if Task.isShuttingDownGracefully || Task.isCancelled {
                swap.continuation.resume(returning: ReloadOutcome(status: .failed, errors: ["the monitor is shutting down"]))
                return
            }
            runtime = nil
            do {
                current = try await openRuntime(swap.configuration)
                file = swap.file
                configuration = swap.configuration
                logger.notice("configuration reloaded", metadata: Self.metadata(swap.outcome, path: configPath))
                swap.continuation.resume(returning: swap.outcome)
            } catch {
                let failed = ReloadOutcome(status: .failed, restartRequired: swap.outcome.restartRequired,
                                           errors: ["starting with the new configuration failed: \(error)"])
                logger.error("configuration reload failed; restarting with the previous configuration",
                             metadata: Self.metadata(failed, path: configPath))
                swap.continuation.resume(returning: failed)
                current = try await openRuntime(configuration)
            }
        }
    }

    /// Reads the file again and applies it (see the type's documentation). Returns when the new
    /// configuration runs, or at once when the file is refused or unchanged. One reload at a
    /// time: a second request while one runs is refused.
    public func reload(trigger: String) async -> ReloadOutcome {
        guard !reloading else {
            return ReloadOutcome(status: .refused, errors: ["a reload is already in progress"])
        }
        reloading = true
        defer { reloading = false }
        let read: MonitorConfigFile
        do {
            read = try MonitorConfigFile.load(path: configPath)
        } catch {
            return refuse(error.problems.map(\.description), trigger: trigger)
        }
        let (nextFile, outcome) = Self.plan(running: file, file: read)
        let next: MonitorConfiguration
        do {
            next = try MonitorConfiguration(nextFile)
        } catch {
            return refuse([error.description], trigger: trigger)
        }
        if !outcome.restartRequired.isEmpty {
            logger.warning("configuration reload: these settings changed in the file and keep their running values until soak run restarts",
                           metadata: ["restart_required": "\(outcome.restartRequired.joined(separator: ","))", "config": "\(configPath)"])
        }
        guard outcome.status == .reloaded else {
            logger.info("configuration reload: nothing to apply",
                        metadata: Self.metadata(outcome, path: configPath).merging(["trigger": "\(trigger)"]) { $1 })
            return outcome
        }
        guard let group else {
            return ReloadOutcome(status: .failed, restartRequired: outcome.restartRequired,
                                 errors: ["the monitor is still starting; try again when /-/ready answers 200"])
        }
        logger.info("configuration reload: restarting the pipeline with the new settings",
                    metadata: Self.metadata(outcome, path: configPath).merging(["trigger": "\(trigger)"]) { $1 })
        let planned = outcome
        return await withCheckedContinuation { continuation in
            pendingSwap = (nextFile, next, planned, continuation)
            Task { await group.triggerGracefulShutdown() }
        }
    }

    private func refuse(_ errors: [String], trigger: String) -> ReloadOutcome {
        let outcome = ReloadOutcome(status: .refused, errors: errors)
        logger.error("configuration reload refused; the running configuration stays",
                     metadata: Self.metadata(outcome, path: configPath).merging(["trigger": "\(trigger)"]) { $1 })
        return outcome
    }

    /// What applying `file` over `running` changes: the file to run (the process-bound
    /// settings kept from `running`) and the outcome that says which sections apply and which
    /// changes wait for a restart.
    static func plan(running old: MonitorConfigFile, file new: MonitorConfigFile) -> (MonitorConfigFile, ReloadOutcome) {
        var next = new
        var restartRequired: [String] = []
        if new.storage.path != old.storage.path { restartRequired.append("storage.path") }
        if new.web.listenAddress != old.web.listenAddress { restartRequired.append("web.listen_address") }
        if new.web.bearerTokenFile != old.web.bearerTokenFile { restartRequired.append("web.bearer_token_file") }
        if new.web.publicPaths != old.web.publicPaths { restartRequired.append("web.public_paths") }
        next.storage.path = old.storage.path
        next.web = old.web

        var applied: [String] = []
        if new.scrape.global != old.scrape.global || new.scrape.keepAllMetrics != old.scrape.keepAllMetrics {
            applied.append("global")
        }
        if new.scrape.scrapeConfigs != old.scrape.scrapeConfigs { applied.append("scrape_configs") }
        if next.storage != old.storage { applied.append("storage") }
        if new.detection != old.detection { applied.append("detection") }
        if new.alerting != old.alerting { applied.append("alerting") }
        if new.evidence != old.evidence { applied.append("evidence") }
        let status: ReloadOutcome.Status = applied.isEmpty ? .unchanged : .reloaded
        return (next, ReloadOutcome(status: status, applied: applied, restartRequired: restartRequired))
    }

    private static func metadata(_ outcome: ReloadOutcome, path: String) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["config": "\(path)", "outcome": "\(outcome.status.rawValue)"]
        if !outcome.applied.isEmpty { metadata["applied"] = "\(outcome.applied.joined(separator: ","))" }
        if !outcome.restartRequired.isEmpty {
            metadata["restart_required"] = "\(outcome.restartRequired.joined(separator: ","))"
        }
        if !outcome.errors.isEmpty { metadata["errors"] = "\(outcome.errors.joined(separator: "; "))" }
        return metadata
    }

    // MARK: MonitorStatusProvider: the current pipeline's answers

    public func findingsSnapshot() async -> [FindingSnapshot] {
        await runtime?.pipeline.findingsSnapshot() ?? []
    }

    public func finding(id: String) async -> FindingSnapshot? {
        await runtime?.pipeline.finding(id: id)
    }

    public func targetsSnapshot() async -> [TargetSnapshot] {
        await runtime?.pipeline.targetsSnapshot() ?? []
    }

    public func readiness() async -> Readiness {
        guard let pipeline = runtime?.pipeline, pendingSwap == nil else {
            return .notReady(pendingSwap == nil ? "starting: resuming from the store" : "reloading the configuration")
        }
        return await pipeline.readiness()
    }

    public func evidence(id: String) async -> EvidenceDocument? {
        await runtime?.pipeline.evidence(id: id)
    }
}
