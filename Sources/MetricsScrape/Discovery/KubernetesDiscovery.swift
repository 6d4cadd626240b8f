import HTTPClient
import Foundation
import Logging

/// Finds a job's targets by listing nodes or pods from the Kubernetes API server, and lists
/// again every `refresh_interval` so that nodes and pods that come and go are followed.
///
/// ```swift
/// let discovery = KubernetesDiscovery(job: job, logger: logger) { targets in
///     registry.update(source: "kubernetes/\(job.jobName)", targets: targets)
/// }
/// discovery.start()
/// ```
/// A failed refresh is logged (without credentials) and keeps the previous targets: a
/// restarting API server must not make every node look gone.
public final class KubernetesDiscovery: @unchecked Sendable {
    public typealias TargetsHandler = @Sendable ([ScrapeTarget]) -> Void

    public let job: ScrapeJobConfig
    private let logger: Logger
    private let onTargets: TargetsHandler
    private let environment: KubernetesAPIAccess.InClusterEnvironment
    private let lock = NSLock()
    private let wakeUp = NSCondition()
    private var stopRequested = false
    private var running = false
    private var lastError: DiscoveryError?
    private let finished = DispatchSemaphore(value: 0)

    public convenience init(job: ScrapeJobConfig, logger: Logger = Logger(label: "soak.discovery"),
                            onTargets: @escaping TargetsHandler) {
        self.init(job: job, logger: logger, environment: .process, onTargets: onTargets)
    }

    init(job: ScrapeJobConfig, logger: Logger, environment: KubernetesAPIAccess.InClusterEnvironment,
         onTargets: @escaping TargetsHandler) {
        self.job = job
        self.logger = logger
        self.environment = environment
        self.onTargets = onTargets
    }

    /// The error of the last refresh, nil when it succeeded.
    public var lastRefreshError: DiscoveryError? { lock.withLock { lastError } }

    /// Lists every `kubernetes_sd_configs` entry of the job once and returns the job's targets
    /// (after `relabel_configs`), without calling the handler.
    public func refresh() throws(DiscoveryError) -> [ScrapeTarget] {
        var labelSets: [LabelSet] = []
        for config in job.kubernetesSDConfigs {
            let access = try KubernetesAPIAccess.resolve(config, environment: environment)
            // The paths come from the RBAC rule the role needs (KubernetesAccessRule), so what
            // is requested and what deploy/kubernetes grants are one list.
            let rule = config.role.accessRule
            switch config.role {
            case .node:
                let path = rule.collectionPath() ?? "/api/v1/nodes"
                let nodes: [KubernetesObjects.Node] = try list(path: path, config: config, access: access)
                labelSets += nodes.compactMap { KubernetesTargetLabels.labelSets(for: $0, preset: job.preset) }
            case .pod:
                let paths = config.namespaces.isEmpty ? [rule.collectionPath()]
                    : config.namespaces.map { rule.collectionPath(namespace: $0) }
                for case let path? in paths {
                    let pods: [KubernetesObjects.Pod] = try list(path: path, config: config, access: access)
                    labelSets += pods.flatMap { KubernetesTargetLabels.labelSets(for: $0, preset: job.preset) }
                }
            }
        }
        return job.targets(from: labelSets)
    }

    private func list<Item: Decodable>(path: String, config: KubernetesSDConfig, access: KubernetesAPIAccess)
        throws(DiscoveryError) -> [Item] {
        var query: [String] = []
        if let selector = config.labelSelector { query.append("labelSelector=" + percentEncode(selector)) }
        if let selector = config.fieldSelector { query.append("fieldSelector=" + percentEncode(selector)) }
        var server = access.server
        while server.hasSuffix("/") { server.removeLast() }
        let url = server + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let request = ScrapeTarget(url: url, labels: [], intervalSeconds: max(config.refreshIntervalSeconds, 10),
                                   timeoutSeconds: 10, tls: access.tls, authorization: access.authorization,
                                   proxyURL: access.proxyURL)
        let outcome = HTTPFetch.get(request.httpTarget)
        if let error = outcome.error {
            throw DiscoveryError(kind: .request, message: error.message, context: error.url)
        }
        do {
            return try JSONDecoder().decode(KubernetesObjects.List<Item>.self, from: Data(outcome.body)).items
        } catch {
            throw DiscoveryError(kind: .decoding, message: "response is not a \(Item.self)List: \(Self.describe(error))",
                                 context: request.redactedURL)
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(jsonPath(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(jsonPath(context.codingPath))"
        case DecodingError.dataCorrupted:
            return "not JSON"
        default:
            return "\(error)"
        }
    }

    /// `items[0].metadata` from a decoder's coding path.
    private static func jsonPath(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    /// Refreshes now and then every refresh interval (the shortest of the job's entries) on
    /// its own thread, handing each successful result to the handler.
    public func start() {
        let alreadyRunning = lock.withLock { () -> Bool in
            defer { running = true }
            return running
        }
        guard !alreadyRunning else { return }
        let interval = job.kubernetesSDConfigs.map(\.refreshIntervalSeconds).min() ?? 30
        let thread = Thread { [self] in
            while !isStopRequested {
                refreshAndReport()
                wakeUp.lock()
                if !stopRequested { _ = wakeUp.wait(until: Date().addingTimeInterval(interval)) }
                wakeUp.unlock()
            }
            finished.signal()
        }
        thread.name = "soak-discovery-\(job.jobName)"
        thread.start()
    }

    /// Stops the refresh thread and waits for it.
    public func stop() {
        let wasRunning = lock.withLock { running }
        guard wasRunning else { return }
        wakeUp.lock()
        stopRequested = true
        wakeUp.signal()
        wakeUp.unlock()
        finished.wait()
        lock.withLock { running = false }
        wakeUp.lock()
        stopRequested = false
        wakeUp.unlock()
    }

    private var isStopRequested: Bool {
        wakeUp.lock()
        defer { wakeUp.unlock() }
        return stopRequested
    }

    private func refreshAndReport() {
        do {
            let targets = try refresh()
            lock.withLock { lastError = nil }
            onTargets(targets)
        } catch {
            lock.withLock { lastError = error }
            logger.warning("kubernetes discovery failed; keeping the previous targets",
                           metadata: ["job": "\(job.jobName)", "error": "\(error)"])
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for query values such as
/// label selectors (`component=etcd,tier!=x`).
func percentEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.append(Character(UnicodeScalar(byte)))
        default:
            out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return out
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
