import SoakDaemon
import Foundation
import Logging
import MetricsScrape
import ServiceLifecycle

/// `soak demo` end to end: serves the demo exporters on loopback, writes the configuration a
/// user would write for them, and runs the same `MonitorRuntime` as `soak run` on it (libcurl
/// scrapes, the SQLite store, the detector's time-compressed preset, the outbox and a terminal
/// alert hook), plus the HTTP surface, while a live view redraws from the same snapshots the HTTP
/// API serves.
public struct DemoSession: Sendable {
    /// How long the demo runs. Two minutes: the compressed preset warms up for a minute, then
    /// needs a few 5-s buckets of rising floor to confirm a leak.
    public var durationSeconds: Double = 110
    /// Where the database goes; a fresh directory under the temporary directory by default.
    public var directory: URL
    /// Redraw period of the live view.
    public var refreshSeconds: Double = 1
    /// Whether to redraw in place (ANSI) or print a status line now and then (not a terminal).
    public var interactive: Bool
    /// Where the screens and the summary go.
    public var write: @Sendable (String) -> Void

    public init(directory: URL? = nil, interactive: Bool, write: @escaping @Sendable (String) -> Void) {
        self.directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("soak-demo-\(Int(Date().timeIntervalSince1970))-\(getpid())")
        self.interactive = interactive
        self.write = write
    }

    /// The configuration for the exporters: the same YAML a user writes for `soak run`.
    public static func configurationYAML(endpoints: [DemoExporterServer.Endpoint], databasePath: String,
                                         apiPort: Int) -> String {
        var yaml = """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
          external_labels:
            cluster: soak-demo
        storage:
          path: \(databasePath)
          flush_interval: 2s
        detection:
          preset: compressed
        alerting:
          terminal: false
          external_url: http://127.0.0.1:\(apiPort)
        web:
          listen_address: 127.0.0.1:\(apiPort)
        scrape_configs:

        """
        for endpoint in endpoints {
            yaml += """
              - job_name: \(endpoint.exporter.job)
                static_configs:
                  - targets: ["127.0.0.1:\(endpoint.port)"]

            """
        }
        return yaml
    }

    /// Runs the demo and returns the final findings.
    @discardableResult
    public func run(logger: Logger) async throws -> [FindingSnapshot] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databasePath = directory.appendingPathComponent("soak.db").path
        let startedAt = Date()
        let exporters = try await DemoExporterServer.start(
            DemoExporter.standardSet(startSeconds: startedAt.timeIntervalSince1970), logger: logger)
        // The API's port is chosen first, so that the alerts' links point at this demo's API.
        let port = try Self.unusedLoopbackPort()
        let yaml = Self.configurationYAML(endpoints: exporters.endpoints, databasePath: databasePath, apiPort: port)
        try yaml.write(to: directory.appendingPathComponent("soak.yml"), atomically: true, encoding: .utf8)

        let configuration: MonitorConfiguration
        do {
            configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "soak-demo.yml"))
        } catch {
            await exporters.stop()
            throw DemoError(message: "the demo's own configuration is invalid: \(error)")
        }
        let alerts = AlertLines()
        let notifier = LogNotifier(name: "terminal", write: { line in alerts.append(line) })
        let runtime = try await MonitorRuntime.open(configuration: configuration, notifiers: [notifier], logger: logger)
        let http = try MonitorHTTPServer(
            configuration: MonitorHTTPConfiguration(host: "127.0.0.1", port: port), provider: runtime.pipeline,
            registry: nil, logger: logger,
            readAPI: PrometheusAPI(source: runtime.pipeline.database,
                                   targets: { [pipeline = runtime.pipeline] in await pipeline.targetsSnapshot() }))
        let group = ServiceGroup(services: runtime.services + [http], logger: logger)
        let running = Task { try await group.run() }

        let view = DemoTerminalView()
        var lastStatus = -1.0
        while true {
            let elapsed = Date().timeIntervalSince(startedAt)
            let screen = view.render(
                elapsedSeconds: elapsed, totalSeconds: durationSeconds, databasePath: databasePath,
                targets: await runtime.pipeline.targetsSnapshot(), findings: await runtime.pipeline.findingsSnapshot())
            let footer = "HTTP API: http://127.0.0.1:\(port)/api/v1/soak/findings  (also /metrics, /api/v1/soak/targets, /api/v1/query)\n"
                + "\nAlerts (terminal hook):\n" + alerts.recent(8).map { "  " + DemoTerminalView.sanitize($0) + "\n" }.joined()
            if interactive {
                write("\u{1B}[H\u{1B}[2J" + screen + footer)
            } else if elapsed - lastStatus >= 15 || elapsed >= durationSeconds {
                lastStatus = elapsed
                write(screen + footer)
            }
            if elapsed >= durationSeconds { break }
            try await Task.sleep(nanoseconds: UInt64(refreshSeconds * 1e9))
        }
        let findings = await runtime.pipeline.findingsSnapshot()
        await group.triggerGracefulShutdown()
        try await running.value
        await exporters.stop()
        write(view.summary(startedAt: startedAt, findings: findings))
        write("Database kept at \(databasePath) (configuration beside it): try `soak export --db \(databasePath)`.\n")
        return findings
    }
}

/// The terminal hook's lines, kept for the live view.
final class AlertLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    func recent(_ count: Int) -> [String] { lock.withLock { Array(lines.suffix(count)) } }
}

extension DemoSession {
    /// A port the kernel just handed out on 127.0.0.1 (bound to 0, then released).
    static func unusedLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DemoError(message: "cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw DemoError(message: "cannot bind a loopback port for the demo's HTTP API") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
