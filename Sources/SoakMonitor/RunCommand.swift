import ConfigSupport
import ArgumentParser
import Foundation
import Logging
import MetricsScrape
import ServiceLifecycle
import SoakDaemon

/// `soak run --config FILE`: the always-on monitor.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Scrapes, stores, detects leaks and alerts, continuously, until SIGTERM or SIGINT.",
        discussion: """
            Reads one YAML file: Prometheus-style `global` and `scrape_configs`, plus `storage`
            (the SQLite file, flush interval, retention), `detection` (preset `default` or
            `compressed`, overrides, extra metrics), `alerting` (Alertmanager, webhooks, exec,
            terminal) and `web` (listen address). See docs/daemon.md.

            On start it resumes from the database: detector state is rebuilt from stored samples
            and open leak episodes are known, so a restart neither forgets a leak nor announces
            it again. SIGTERM/SIGINT stop scraping, ingest what was scraped, flush and close.
            SIGHUP (or POST /-/reload with the API token) re-reads the file: scrape configs,
            receivers, detection, retention and evidence apply without a restart; a bad file is
            refused with its problems and the running configuration stays; storage.path and
            web.* changes wait for a restart (docs/operations.md).

            Example:
              soak check-config /etc/soak/soak.yml && soak run --config /etc/soak/soak.yml
            """
    )

    @Option(help: "The YAML configuration file.")
    var config: String

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level \(logLevel)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "soak.run")
        let monitor: ReloadableMonitor
        do {
            // The monitor (database, pipeline, scraping) runs inside a reloadable service: SIGHUP
            // and POST /-/reload apply a new file without the process or the listener going down.
            monitor = try ReloadableMonitor(configPath: config, file: MonitorConfigFile.load(path: config), logger: logger)
        } catch let error as ConfigError {
            for problem in error.problems { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        // The backend for the monitor's own metrics: bootstrapped once, here, by the executable.
        let registry = SelfMetricsBootstrap.bootstrapPrometheus()
        let configuration = await monitor.configuration
        let http = try MonitorHTTPServer(
            configuration: MonitorHTTPConfiguration(listenAddress: configuration.web.listenAddress,
                                                    bearerTokenFile: configuration.web.bearerTokenFile,
                                                    publicPaths: Set(configuration.web.publicPaths)),
            provider: monitor, registry: registry, logger: Logger(label: "soak.http"),
            readAPI: PrometheusAPI(source: monitor, targets: { await monitor.targetsSnapshot() }),
            reload: { await monitor.reload(trigger: "POST /-/reload") })
        logger.info("soak run started", metadata: [
            "config": "\(config)", "database": "\(configuration.databasePath)",
            "receivers": "\(((try? configuration.alerting.makeNotifiers()) ?? []).map(\.name).joined(separator: ","))",
            "web": "\(configuration.web.listenAddress)",
        ])
        let group = ServiceGroup(services: [monitor, http], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        logger.info("soak run stopped")
    }
}
