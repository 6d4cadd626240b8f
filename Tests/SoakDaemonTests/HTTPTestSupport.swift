import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import XCTest
@testable import SoakDaemon

/// A provider whose answers the test sets.
actor FakeStatusProvider: MonitorStatusProvider {
    var findings: [FindingSnapshot]
    var targets: [TargetSnapshot]
    var ready: Readiness
    var documents: [EvidenceDocument]

    init(findings: [FindingSnapshot] = [], targets: [TargetSnapshot] = [], ready: Readiness = .ready,
         documents: [EvidenceDocument] = []) {
        self.findings = findings
        self.targets = targets
        self.ready = ready
        self.documents = documents
    }

    func set(ready: Readiness) { self.ready = ready }

    func findingsSnapshot() async -> [FindingSnapshot] { findings }
    func targetsSnapshot() async -> [TargetSnapshot] { targets }
    func readiness() async -> Readiness { ready }
    func evidence(id: String) async -> EvidenceDocument? { documents.first { $0.snapshot.id == id } }
}

/// A running ``MonitorHTTPServer`` on a free loopback port.
struct RunningServer {
    let port: Int
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
}

/// Starts a server on 127.0.0.1, port 0, inside a `ServiceGroup`; runs `body` with its actual
/// port; then shuts the group down gracefully and waits for it — also when `body` throws.
func withRunningServer(
    provider: any MonitorStatusProvider,
    registry: PrometheusCollectorRegistry? = nil,
    bearerTokenFile: String? = nil,
    publicPaths: Set<String> = ["/healthz", "/-/ready"],
    processStatistics: (@Sendable () -> ProcessStatistics?)? = nil,
    readAPI: PrometheusAPI? = nil,
    _ body: (RunningServer) async throws -> Void
) async throws {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "test.http")
    logger.logLevel = .warning
    let server = try MonitorHTTPServer(
        configuration: MonitorHTTPConfiguration(host: "127.0.0.1", port: 0, bearerTokenFile: bearerTokenFile,
                                                publicPaths: publicPaths),
        provider: provider, registry: registry, logger: logger,
        processStatistics: processStatistics ?? { try? ProcessStatistics.current() },
        readAPI: readAPI,
        onListening: { _, port in
            portContinuation.yield(port)
            portContinuation.finish()
        })
    let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
    let running = Task {
        // A server that fails to bind never reports a port: end the stream so the wait ends.
        defer { portContinuation.finish() }
        try await group.run()
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        running.cancel()
        try await running.value
        XCTFail("server did not report a port")
        return
    }
    do {
        try await body(RunningServer(port: port))
    } catch {
        await group.triggerGracefulShutdown()
        _ = await running.result
        throw error
    }
    await group.triggerGracefulShutdown()
    try await running.value
}

/// Fixtures shared by the HTTP tests.
enum HTTPFixtures {
    static let onset = Date(timeIntervalSince1970: 1_795_000_000)

    static func leak(id: String = "17", labels: [String: String]? = nil, hours: Double? = 19.5) -> FindingSnapshot {
        FindingSnapshot(
            id: id,
            seriesLabels: labels ?? ["__name__": "process_open_fds", "job": "kube-apiserver", "instance": "10.0.0.5:6443", "version": "v1.31.2"],
            resource: .fileDescriptors, state: .leak, severity: .critical,
            slopePerHour: 212, growthPercentPerHour: 4.1, hoursToExhaustion: hours, confidence: 0.982,
            windowStart: onset.addingTimeInterval(-3600), windowSeconds: 21_600,
            judgedAt: onset.addingTimeInterval(7200), onsetAt: onset, firstAlertAt: onset.addingTimeInterval(3600))
    }

    static func healthy(id: String = "3") -> FindingSnapshot {
        FindingSnapshot(
            id: id, seriesLabels: ["__name__": "go_goroutines", "job": "etcd", "instance": "10.0.0.6:2379"],
            resource: .goroutines, state: .ok, slopePerHour: 0.1, growthPercentPerHour: 0.01,
            hoursToExhaustion: nil, confidence: 0.4)
    }

    static func target() -> TargetSnapshot {
        TargetSnapshot(
            job: "kube-apiserver", instance: "10.0.0.5:6443", url: "https://soak:s3cret@10.0.0.5:6443/metrics",
            labels: ["job": "kube-apiserver", "instance": "10.0.0.5:6443"], health: .down,
            lastScrapeAt: onset, lastScrapeDurationSeconds: 0.25, lastError: "HTTP 503 from https://10.0.0.5:6443/metrics",
            samplesScraped: 1200, detectedVersion: "v1.31.2", lastRestartAt: onset.addingTimeInterval(-86_400))
    }
}
