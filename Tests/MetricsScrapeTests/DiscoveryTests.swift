import SoakModel
import Foundation
import Logging
import XCTest
@testable import MetricsScrape

/// Kubernetes discovery against a loopback server answering like the API server.
final class DiscoveryTests: XCTestCase {
    /// A fake API server whose responses the test changes between refreshes.
    final class FakeAPIServer: @unchecked Sendable {
        private let lock = NSLock()
        private var routes: [String: String] = [:]
        private var token: String?
        /// When set, requests without `Authorization: Bearer <token>` get 401.
        var requiredToken: String? {
            get { lock.withLock { token } }
            set { lock.withLock { token = newValue } }
        }
        var server: LoopbackHTTPServer!

        init() throws {
            server = try LoopbackHTTPServer { [unowned self] request in self.respond(request) }
        }

        func set(_ path: String, _ body: String) { lock.withLock { routes[path] = body } }

        private func respond(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
            let (body, token) = lock.withLock { (routes[request.path], self.token) }
            if let token, request.header("Authorization") != "Bearer \(token)" {
                return .text("{\"kind\":\"Status\",\"code\":401}", status: 401)
            }
            guard let body else { return .text("{\"kind\":\"Status\",\"code\":404}", status: 404) }
            var response = LoopbackHTTPServer.Response.text(body)
            response.headers = [("Content-Type", "application/json")]
            return response
        }
    }

    private func job(_ yaml: String) throws -> ScrapeJobConfig {
        try XCTUnwrap(SoakConfig.parse(yaml: yaml, file: "soak.yml", checkFiles: false).scrapeConfigs.first)
    }

    func testNodeRoleFollowsNodesThatAppearAndDisappear() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([
            KubernetesFixtures.node("node-a", ip: "10.0.0.1"), KubernetesFixtures.node("node-b", ip: "10.0.0.2"),
        ]))
        let discovery = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: kubelet
                preset: kubelet
                kubernetes_sd_configs: [{api_server: "\(api.server.baseURL)"}]
                relabel_configs:
                  - action: labelmap
                    regex: __meta_kubernetes_node_label_topology_kubernetes_io_(.+)
            """)) { _ in }
        let first = try discovery.refresh()
        XCTAssertEqual(first.map(\.url), ["https://10.0.0.1:10250/metrics", "https://10.0.0.2:10250/metrics"])
        XCTAssertEqual(first[0].labels, [Label("instance", "node-a"), Label("job", "kubelet"), Label("zone", "zone-a")])

        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([
            KubernetesFixtures.node("node-b", ip: "10.0.0.2"), KubernetesFixtures.node("node-c", ip: "10.0.0.3", kubeletPort: 10251),
        ]))
        let second = try discovery.refresh()
        XCTAssertEqual(second.map(\.instance), ["node-b", "node-c"])
        XCTAssertEqual(second[1].url, "https://10.0.0.3:10251/metrics", "kubelet port from status.daemonEndpoints")
    }

    func testPodRoleWithPresetFindsControlPlanePodsBySelector() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.set("/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd", KubernetesFixtures.podList([
            KubernetesFixtures.etcdPod(node: "node-a", ip: "10.0.0.1"), KubernetesFixtures.etcdPod(node: "node-b", ip: "10.0.0.2"),
        ]))
        let discovery = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: etcd
                preset: etcd
                kubernetes_sd_configs: [{api_server: "\(api.server.baseURL)"}]
            """)) { _ in }
        let targets = try discovery.refresh()
        XCTAssertEqual(targets.map(\.url), ["http://10.0.0.1:2381/metrics", "http://10.0.0.2:2381/metrics"])
        XCTAssertEqual(targets[0].labels, [Label("instance", "etcd-node-a"), Label("job", "etcd"), Label("namespace", "kube-system"),
                                           Label("node", "node-a"), Label("pod", "etcd-node-a")])
    }

    func testPodRoleWithoutPresetMakesOneTargetPerTCPPortAndSkipsFinishedPods() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.set("/api/v1/pods", KubernetesFixtures.podList([
            KubernetesFixtures.coreDNSPod(name: "coredns-1", node: "node-a", ip: "10.244.0.5"),
            KubernetesFixtures.coreDNSPod(name: "coredns-old", node: "node-a", ip: "10.244.0.9", phase: "Failed"),
        ]))
        let all = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: pods
                kubernetes_sd_configs: [{role: pod, api_server: "\(api.server.baseURL)"}]
            """)) { _ in }
        XCTAssertEqual(try all.refresh().map(\.url), ["http://10.244.0.5:53/metrics", "http://10.244.0.5:9153/metrics"])
        let metricsOnly = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: coredns
                kubernetes_sd_configs: [{role: pod, api_server: "\(api.server.baseURL)"}]
                relabel_configs:
                  - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}
                  - {source_labels: [__meta_kubernetes_pod_controller_kind], target_label: controller}
            """)) { _ in }
        let targets = try metricsOnly.refresh()
        XCTAssertEqual(targets.map(\.url), ["http://10.244.0.5:9153/metrics"])
        XCTAssertEqual(targets[0].label("controller"), "ReplicaSet")
        XCTAssertEqual(targets[0].instance, "10.244.0.5:9153")
    }

    func testKubeconfigSuppliesServerAndTokenWhichNeverAppearsInErrors() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.requiredToken = "the-right-token"
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([KubernetesFixtures.node("node-a", ip: "10.0.0.1")]))
        let dir = try makeTemporaryDirectory("soak-kubeconfig")
        defer { try? FileManager.default.removeItem(at: dir) }
        func writeKubeconfig(token: String) throws -> String {
            let path = dir.appendingPathComponent("config-\(token)").path
            try """
                apiVersion: v1
                kind: Config
                current-context: verify
                clusters:
                - name: verify
                  cluster: {server: "\(api.server.baseURL)"}
                contexts:
                - name: verify
                  context: {cluster: verify, user: soak}
                users:
                - name: soak
                  user: {token: \(token)}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        for (token, expectUp) in [("the-right-token", true), ("a-wrong-token", false)] {
            let discovery = KubernetesDiscovery(job: try job("""
                scrape_configs:
                  - job_name: kubelet
                    preset: kubelet
                    kubernetes_sd_configs: [{kubeconfig_file: "\(try writeKubeconfig(token: token))"}]
                """)) { _ in }
            if expectUp {
                XCTAssertEqual(try discovery.refresh().map(\.instance), ["node-a"])
            } else {
                XCTAssertThrowsError(try discovery.refresh()) { error in
                    let text = "\(error)"
                    XCTAssertEqual((error as? DiscoveryError)?.kind, .request)
                    XCTAssertTrue(text.hasSuffix("server returned HTTP status 401"), text)
                    XCTAssertFalse(text.contains(token), text)
                }
            }
        }
    }

    func testUnexpectedResponseIsADecodingError() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.set("/api/v1/nodes", "{\"kind\": \"NodeList\", \"items\": [{\"spec\": {}}]}")
        let discovery = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: kubelet
                kubernetes_sd_configs: [{role: node, api_server: "\(api.server.baseURL)"}]
            """)) { _ in }
        XCTAssertThrowsError(try discovery.refresh()) { error in
            XCTAssertEqual("\(error)", "kubernetes discovery (\(api.server.baseURL)/api/v1/nodes): response is not a NodeList: missing items[0].metadata")
        }
    }

    func testFailedRefreshKeepsThePreviousTargets() throws {
        let api = try FakeAPIServer()
        defer { api.server.stop() }
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([KubernetesFixtures.node("node-a", ip: "10.0.0.1")]))
        let reported = ResultBox()
        let log = CapturedLog()
        let discovery = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: kubelet
                preset: kubelet
                kubernetes_sd_configs: [{api_server: "\(api.server.baseURL)", refresh_interval: 1s}]
            """), logger: Logger(label: "test") { _ in log }) { reported.append($0) }
        defer { discovery.stop() }
        discovery.start()
        XCTAssertTrue(reported.wait(timeoutSeconds: 5) { $0.count >= 1 })
        // The API server goes away (here: starts answering 401, as after a credentials mix-up).
        api.requiredToken = "something-else"
        let deadline = Date().addingTimeInterval(5)
        while discovery.lastRefreshError == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(discovery.lastRefreshError?.kind, .request)
        XCTAssertTrue(reported.all.allSatisfy { $0.map(\.instance) == ["node-a"] }, "no empty list was reported")
        XCTAssertEqual(log.entries.first?.level, .warning)
        XCTAssertTrue(log.entries.first?.text.contains("keeping the previous targets") ?? false)
        XCTAssertTrue(log.entries.first?.text.contains("server returned HTTP status 401") ?? false)
    }

    func testInClusterAccessUsesTheServiceAccount() throws {
        let access = try KubernetesAPIAccess.resolve(
            KubernetesSDConfig(role: .node),
            environment: .init(host: "10.96.0.1", port: "443", serviceAccountDirectory: "/sa"))
        XCTAssertEqual(access.server, "https://10.96.0.1:443")
        XCTAssertEqual(access.tls.caFile, "/sa/ca.crt")
        XCTAssertEqual(access.authorization, .credentialsFile(type: "Bearer", path: "/sa/token"))
        XCTAssertThrowsError(try KubernetesAPIAccess.resolve(KubernetesSDConfig(role: .node),
                                                             environment: .init(host: nil, port: nil, serviceAccountDirectory: "/sa")))
    }

    func testPeriodicDiscoveryDrivesTheScraperAsNodesComeAndGo() throws {
        let kubeletA = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        let kubeletB = try LoopbackHTTPServer { _ in .text(ScraperFaultTests.exposition) }
        let api = try FakeAPIServer()
        defer { kubeletA.stop(); kubeletB.stop(); api.server.stop() }
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([KubernetesFixtures.node("node-a", ip: "127.0.0.1", kubeletPort: kubeletA.port)]))
        let collector = ResultCollector()
        let scraper = Scraper { collector.add($0) }
        let registry = TargetRegistry { scraper.setTargets($0) }
        let discovery = KubernetesDiscovery(job: try job("""
            scrape_configs:
              - job_name: kubelet
                scrape_interval: 200ms
                kubernetes_sd_configs: [{role: node, api_server: "\(api.server.baseURL)", refresh_interval: 1s}]
            """)) { registry.update(source: "kubernetes/kubelet", targets: $0) }
        defer { discovery.stop(); scraper.stop() }
        scraper.start()
        discovery.start()
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.filter { $0.target.instance == "node-a" && $0.up }.count >= 2 })

        // node-a is drained and removed, node-b joins.
        api.set("/api/v1/nodes", KubernetesFixtures.nodeList([KubernetesFixtures.node("node-b", ip: "127.0.0.1", kubeletPort: kubeletB.port)]))
        XCTAssertTrue(collector.wait(timeoutSeconds: 5) { $0.filter { $0.target.instance == "node-b" && $0.up }.count >= 2 })
        let lastA = collector.all.lastIndex { $0.target.instance == "node-a" }!
        let firstB = collector.all.firstIndex { $0.target.instance == "node-b" }!
        XCTAssertLessThan(lastA, firstB + 2, "node-a is no longer scraped once node-b is")
        XCTAssertEqual(registry.targets.map(\.instance), ["node-b"])
        XCTAssertNil(discovery.lastRefreshError)
    }
}

/// Target lists reported by a discovery, collected across threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var lists: [[ScrapeTarget]] = []

    func append(_ targets: [ScrapeTarget]) { lock.withLock { lists.append(targets) } }
    var all: [[ScrapeTarget]] { lock.withLock { lists } }

    func wait(timeoutSeconds: Double, until condition: ([[ScrapeTarget]]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if condition(all) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition(all)
    }
}
