import ConfigSupport
import MetricsScrape
import SoakDaemon
import XCTest

/// What a configuration needs from Kubernetes RBAC (`SoakConfig.requiredKubernetesAccess`), and
/// `web.public_paths`, which lets a cluster Prometheus scrape `/metrics` without the API token.
final class KubernetesAccessRuleTests: XCTestCase {
    private func config(_ yaml: String) throws -> SoakConfig {
        try SoakConfig.parse(yaml: yaml, file: "soak.yml", checkFiles: false)
    }

    func testStaticTargetsNeedNothing() throws {
        let config = try config("""
            scrape_configs:
              - job_name: node
                static_configs: [{targets: ["127.0.0.1:9100"]}]
            """)
        XCTAssertEqual(config.requiredKubernetesAccess(evidenceJobs: [], profilePaths: ["/debug/pprof/heap"]), [])
    }

    func testKubeletNeedsNodeListAndNodesMetricsAndProxyOnlyForItsProfiles() throws {
        let kubelet = """
            scrape_configs:
              - job_name: kubelet
                preset: kubelet
                kubernetes_sd_configs: [{role: node}]
            """
        let heap = ["/debug/pprof/heap"]
        XCTAssertEqual(try config(kubelet).requiredKubernetesAccess(), [.listNodes, .kubeletMetrics])
        XCTAssertEqual(try config(kubelet).requiredKubernetesAccess(evidenceJobs: [], profilePaths: heap),
                       [.listNodes, .kubeletMetrics, .kubeletProxy], "any Go target may be profiled")
        XCTAssertEqual(try config(kubelet).requiredKubernetesAccess(evidenceJobs: ["etcd"], profilePaths: heap),
                       [.listNodes, .kubeletMetrics], "only the listed jobs are profiled")
    }

    func testControlPlaneNeedsPodListMetricsURLAndEachProfilePath() throws {
        let config = try config("""
            scrape_configs:
              - job_name: kube-apiserver
                preset: kube-apiserver
                kubernetes_sd_configs: [{}]
              - job_name: coredns
                preset: coredns
                kubernetes_sd_configs: [{}]
            """)
        XCTAssertEqual(config.requiredKubernetesAccess(evidenceJobs: [], profilePaths: ["/debug/pprof/heap?gc=1", "/debug/flags/v"])
                        .map(\.description),
                       ["list pods", "get /metrics", "get /debug/pprof/*", "get /debug/flags/v"])
    }

    func testDiscoveryPathsComeFromTheRules() {
        XCTAssertEqual(KubernetesSDConfig.Role.node.accessRule.collectionPath(), "/api/v1/nodes")
        XCTAssertEqual(KubernetesSDConfig.Role.pod.accessRule.collectionPath(), "/api/v1/pods")
        XCTAssertEqual(KubernetesSDConfig.Role.pod.accessRule.collectionPath(namespace: "kube-system"),
                       "/api/v1/namespaces/kube-system/pods")
        XCTAssertNil(KubernetesAccessRule.kubeletMetrics.collectionPath(), "a subresource is not a collection")
        XCTAssertNil(KubernetesAccessRule.metricsURL.collectionPath())
    }

    func testPublicPathsOpenOnlyTheMetricsAndTheProbes() throws {
        let job = "scrape_configs: [{job_name: a, static_configs: [{targets: [\"127.0.0.1:1\"]}]}]\n"
        func config(_ yaml: String) throws -> MonitorConfigFile { try MonitorConfigFile.parse(yaml: yaml, file: "soak.yml", checkFiles: false) }
        XCTAssertEqual(try config(job).web.publicPaths, ["/healthz", "/-/ready"])
        XCTAssertEqual(try config(job + "web: {public_paths: [/metrics]}").web.publicPaths, ["/metrics"])
        XCTAssertThrowsError(try config(job + "web:\n  public_paths: [/metrics, /api/v1/findings]")) { error in
            XCTAssertEqual((error as? ConfigError)?.description,
                           "soak.yml:3: web.public_paths: /api/v1/findings cannot be public (only /metrics, /healthz, /-/ready; the API stays behind the token)")
        }
    }
}
