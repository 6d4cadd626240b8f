import SoakDaemon
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves `soak demo`'s exporters on loopback: one Hummingbird application per exporter, each on
/// its own kernel-chosen 127.0.0.1 port, answering `GET /metrics` as a component would.
///
/// The exporters' clock is the wall clock since `start`, so the shapes unfold in real time and
/// the monitor scrapes them over real HTTP, exactly as it would scrape a cluster.
public final class DemoExporterServer: Sendable {
    /// An exporter and the port it listens on.
    public struct Endpoint: Sendable {
        public let exporter: DemoExporter
        public let port: Int
        public var url: String { "http://127.0.0.1:\(port)/metrics" }
    }

    public let endpoints: [Endpoint]
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(endpoints: [Endpoint], group: ServiceGroup, task: Task<Void, Never>) {
        self.endpoints = endpoints
        self.group = group
        self.task = task
    }

    /// Starts every exporter and returns once all are listening.
    public static func start(_ exporters: [DemoExporter], logger: Logger) async throws -> DemoExporterServer {
        let ports = PortCollector(count: exporters.count)
        var quiet = logger
        quiet.logLevel = .warning
        let applications = exporters.enumerated().map { index, exporter in
            let router = Router()
            router.get("metrics") { _, _ -> Response in
                let elapsed = Date().timeIntervalSince1970 - exporter.processStartSeconds
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(status: .ok, headers: headers,
                                body: .init(byteBuffer: ByteBuffer(string: exporter.exposition(elapsedSeconds: elapsed))))
            }
            return Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "soak-demo-\(exporter.job)"),
                onServerRunning: { channel in await ports.set(index, channel.localAddress?.port ?? -1) },
                logger: quiet)
        }
        let group = ServiceGroup(services: applications, logger: quiet)
        let task = Task {
            do {
                try await group.run()
            } catch {
                await ports.failAll()
            }
        }
        let bound = try await ports.all()
        return DemoExporterServer(endpoints: zip(exporters, bound).map { Endpoint(exporter: $0, port: $1) },
                                  group: group, task: task)
    }

    /// Stops every exporter gracefully and waits until they are closed.
    public func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}

/// Collects the ports the applications report once they listen.
private actor PortCollector {
    private var ports: [Int?]
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { ports = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ port: Int) {
        ports[index] = port
        if ports.allSatisfy({ $0 != nil }) {
            waiters.forEach { $0.resume() }
            waiters.removeAll()
        }
    }

    func failAll() {
        for index in ports.indices where ports[index] == nil { set(index, -1) }
    }

    func all() async throws -> [Int] {
        if ports.contains(where: { $0 == nil }) {
            await withCheckedContinuation { waiters.append($0) }
        }
        let bound = ports.map { $0 ?? -1 }
        guard !bound.contains(where: { $0 <= 0 }) else {
            throw DemoError(message: "a demo exporter could not listen on 127.0.0.1")
        }
        return bound
    }
}

/// Something `soak demo` could not do.
public struct DemoError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
