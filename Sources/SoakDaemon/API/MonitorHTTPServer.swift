import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// The monitor's HTTP surface — `/metrics`, `/healthz`, `/-/ready`, `/api/v1/soak/*`, the
/// Prometheus-compatible read API — as a swift-service-lifecycle `Service` on Hummingbird 2.
///
/// Run it in the daemon's `ServiceGroup` beside the pipeline: it stops accepting connections
/// on graceful shutdown (SIGTERM), finishes in-flight requests, and returns.
///
/// ```swift
/// let registry = SelfMetricsBootstrap.bootstrapPrometheus()
/// let server = try MonitorHTTPServer(
///     configuration: MonitorHTTPConfiguration(listenAddress: "127.0.0.1:9847"),
///     provider: pipeline, registry: registry, logger: logger)
/// let group = ServiceGroup(services: [pipeline, server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// - warning: a non-loopback ``MonitorHTTPConfiguration/host`` exposes series labels, target
///   URLs and scrape errors to the network; set ``MonitorHTTPConfiguration/bearerTokenFile``.
public struct MonitorHTTPServer: Service {
    /// Called once the socket is bound, with the actual address (the port when 0 was asked for).
    public typealias ListeningHandler = @Sendable (_ host: String, _ port: Int) async -> Void

    public let configuration: MonitorHTTPConfiguration
    private let routes: MonitorRoutes
    private let token: BearerToken?
    private let logger: Logger
    private let onListening: ListeningHandler

    /// Makes the server; reads the bearer token file now, so a missing secret fails at start
    /// rather than locking everyone out later.
    ///
    /// - Parameters:
    ///   - registry: the swift-metrics backend's registry
    ///     (``SelfMetricsBootstrap/bootstrapPrometheus()``); `nil` serves `/metrics` without
    ///     self-metrics.
    ///   - processStatistics: how to read the `process_*` figures; the default reads `/proc/self`.
    ///   - readAPI: the Prometheus-compatible read API (`/api/v1/query` …); nil leaves it out.
    ///   - reload: what `POST /-/reload` runs (``ReloadableMonitor/reload(trigger:)``); nil: no such route.
    public init(
        configuration: MonitorHTTPConfiguration = MonitorHTTPConfiguration(),
        provider: any MonitorStatusProvider,
        registry: PrometheusCollectorRegistry?,
        logger: Logger = Logger(label: "soak.http"),
        processStatistics: @escaping @Sendable () -> ProcessStatistics? = { try? ProcessStatistics.current() },
        readAPI: PrometheusAPI? = nil,
        reload: (@Sendable () async -> ReloadOutcome)? = nil,
        onListening: @escaping ListeningHandler = { _, _ in }
    ) throws(MonitorHTTPError) {
        self.configuration = configuration
        if let path = configuration.bearerTokenFile {
            self.token = try BearerToken(contentsOfFile: path)
        } else {
            self.token = nil
        }
        self.routes = MonitorRoutes(
            provider: provider, metricsPage: MetricsPage(registry: registry, processStatistics: processStatistics),
            prometheus: readAPI.map(PrometheusRoutes.init(api:)), reload: reload)
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let router = Router()
        if let token {
            router.add(middleware: BearerTokenMiddleware(token: token, publicPaths: configuration.publicPaths))
        }
        routes.register(on: router)

        if !configuration.isLoopback {
            if token == nil {
                logger.warning(
                    "HTTP surface bound beyond loopback without a bearer token: findings, target URLs and scrape errors are readable by anyone who can reach the port",
                    metadata: ["address": "\(configuration.listenAddress)"])
            } else {
                logger.notice("HTTP surface bound beyond loopback; bearer token required",
                              metadata: ["address": "\(configuration.listenAddress)"])
            }
        }

        let logger = self.logger
        let onListening = self.onListening
        let host = configuration.host
        let auth = token == nil ? "none" : "bearer"
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "SoakMonitor"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("HTTP surface listening", metadata: [
                    "address": "\(host):\(port)",
                    "auth": "\(auth)",
                ])
                await onListening(host, port)
            },
            logger: logger)
        try await application.run()
    }
}
