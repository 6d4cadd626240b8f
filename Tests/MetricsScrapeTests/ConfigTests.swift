import ConfigSupport
import SoakModel
import XCTest
@testable import MetricsScrape

final class ConfigTests: XCTestCase {
    private func problems(_ yaml: String, checkFiles: Bool = false) -> [String] {
        do {
            _ = try SoakConfig.parse(yaml: yaml, file: "soak.yml", checkFiles: checkFiles)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func testPrometheusStyleConfigLoadsWithInheritedDefaults() throws {
        let config = try SoakConfig.parse(yaml: """
            global:
              scrape_interval: 30s
              scrape_timeout: 5s
              external_labels: {cluster: verify-3}
            scrape_configs:
              - job_name: node
                static_configs:
                  - targets: ["10.0.0.1:9100", "10.0.0.2:9100"]
                    labels: {rack: r1}
              - job_name: apiserver
                scheme: https
                scrape_interval: 1h30m
                params: {format: [prometheus]}
                tls_config: {ca_file: /ca.pem, server_name: kubernetes}
                authorization: {credentials_file: /token}
                static_configs: [{targets: ["10.0.0.10:6443"]}]
            """, file: "soak.yml", checkFiles: false)
        XCTAssertEqual(config.global.externalLabels, [Label("cluster", "verify-3")])
        XCTAssertEqual(config.scrapeConfigs.map(\.jobName), ["node", "apiserver"])
        let targets = config.staticTargets()
        XCTAssertEqual(targets.map(\.url), ["http://10.0.0.1:9100/metrics", "http://10.0.0.2:9100/metrics",
                                            "https://10.0.0.10:6443/metrics?format=prometheus"])
        XCTAssertEqual(targets[0].labels, [Label("instance", "10.0.0.1:9100"), Label("job", "node"), Label("rack", "r1")])
        XCTAssertEqual(targets[0].intervalSeconds, 30)
        XCTAssertEqual(targets[0].timeoutSeconds, 5)
        XCTAssertEqual(targets[2].intervalSeconds, 5400)
        XCTAssertEqual(targets[2].tls.serverName, "kubernetes")
        XCTAssertEqual(targets[2].authorization, .credentialsFile(type: "Bearer", path: "/token"))
        XCTAssertNotNil(targets[0].metricRelabeling.nameFilter, "default keep-list is on")
    }

    func testUnknownKeyIsReportedWithLineAndPath() {
        XCTAssertEqual(problems("""
            scrape_configs:
              - job_name: etcd
                tls_config:
                  ca_fil: /etc/ca.pem
                static_configs: [{targets: ["a:1"]}]
            """), ["soak.yml:4: scrape_configs[0].tls_config.ca_fil: unknown key"])
    }

    func testEveryProblemIsReportedNotJustTheFirst() {
        XCTAssertEqual(problems("""
            global:
              scrape_interval: 15 seconds
            scrape_configs:
              - job_name: a
                scheme: ftp
                static_configs: [{targets: ["http://a:1/metrics"]}]
                metric_relabel_configs:
                  - action: keep
                    regex: "go_(("
                    source_labels: [__name__]
                  - action: replace
                    source_labels: [__name__]
              - job_name: a
                scrape_interval: 10s
                scrape_timeout: 20s
                basic_auth: {username: u, password: hunter2}
                static_configs: [{targets: ["b:1"]}]
            """), [
                "soak.yml:2: global.scrape_interval: invalid duration \"15 seconds\" (expected e.g. 15s, 1m, 1h30m)",
                "soak.yml:5: scrape_configs[0].scheme: must be http or https",
                "soak.yml:6: scrape_configs[0].static_configs[0].targets[0]: \"http://a:1/metrics\" is not host:port (scheme and path belong in scheme and metrics_path)",
                "soak.yml:9: scrape_configs[0].metric_relabel_configs[0].regex: invalid regular expression \"go_((\"",
                "soak.yml:11: scrape_configs[0].metric_relabel_configs[1]: action replace requires target_label",
                "soak.yml:13: scrape_configs[1]: job_name \"a\" already used at line 4",
                "soak.yml:15: scrape_configs[1].scrape_timeout: scrape_timeout (20s) is longer than scrape_interval (10s)",
                "soak.yml:16: scrape_configs[1].basic_auth.password: inline secrets are not accepted; use password_file",
            ])
    }

    func testMissingFilesAreReportedWhenCheckingFiles() {
        XCTAssertEqual(problems("""
            scrape_configs:
              - job_name: etcd
                preset: etcd-client-tls
                tls_config: {ca_file: /nonexistent/ca.pem, cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem}
                static_configs: [{targets: ["127.0.0.1"]}]
            """, checkFiles: true), [
                "soak.yml:4: scrape_configs[0].tls_config.ca_file: file /nonexistent/ca.pem does not exist or is not readable",
                "soak.yml:4: scrape_configs[0].tls_config.cert_file: file /nonexistent/c.pem does not exist or is not readable",
                "soak.yml:4: scrape_configs[0].tls_config.key_file: file /nonexistent/k.pem does not exist or is not readable",
            ])
    }

    func testYAMLSyntaxErrorNamesTheLine() {
        let result = problems("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [a:1]\n")
        XCTAssertEqual(result.count, 1)
        XCTAssertTrue(result[0].hasPrefix("soak.yml:4: YAML syntax:"), result[0])
    }

    func testPresetFillsSchemePortAndPath() throws {
        let config = try SoakConfig.parse(yaml: """
            scrape_configs:
              - job_name: scheduler
                preset: kube-scheduler
                tls_config: {insecure_skip_verify: true}
                static_configs: [{targets: ["10.0.0.10", "10.0.0.11:9999"]}]
              - job_name: cadvisor
                preset: kubelet-cadvisor
                static_configs: [{targets: ["node-1"]}]
            """, file: "soak.yml", checkFiles: false)
        XCTAssertEqual(config.staticTargets().map(\.url), ["https://10.0.0.10:10259/metrics", "https://10.0.0.11:9999/metrics",
                                                           "https://node-1:10250/metrics/cadvisor"])
        XCTAssertEqual(config.staticTargets()[0].instance, "10.0.0.10:10259")
        XCTAssertTrue(config.staticTargets()[0].tls.insecureSkipVerify)
    }

    func testDurationsFollowPrometheusSyntax() {
        XCTAssertEqual(PrometheusDuration.seconds("15s"), 15)
        XCTAssertEqual(PrometheusDuration.seconds("1m"), 60)
        XCTAssertEqual(PrometheusDuration.seconds("1h30m"), 5400)
        XCTAssertEqual(PrometheusDuration.seconds("500ms"), 0.5)
        XCTAssertEqual(PrometheusDuration.seconds("1d"), 86400)
        XCTAssertEqual(PrometheusDuration.seconds("0"), 0)
        XCTAssertNil(PrometheusDuration.seconds("1m1h"))
        XCTAssertNil(PrometheusDuration.seconds("1.5s"))
        XCTAssertNil(PrometheusDuration.seconds("15"))
        XCTAssertEqual(PrometheusDuration.format(5400), "1h30m")
        XCTAssertEqual(ByteSize.bytes("50MB"), 50 << 20)
        XCTAssertNil(ByteSize.bytes("50 potatoes"))
    }
}

final class RelabelTests: XCTestCase {
    private func rule(_ action: RelabelRule.Action, _ sources: [String] = [], regex: String = "(.*)",
                      target: String? = nil, replacement: String = "$1", separator: String = ";") -> RelabelRule {
        RelabelRule(action: action, sourceLabels: sources, separator: separator, targetLabel: target,
                    regex: try! AnchoredRegex(regex), replacement: replacement)
    }

    private let sample = Sample(name: "container_memory_working_set_bytes",
                                labels: [Label("namespace", "kube-system"), Label("pod", "etcd-node-1"), Label("id", "/kubepods/x")],
                                value: 1)

    func testRegexIsFullyAnchored() {
        let keep = MetricRelabeling(rules: [rule(.keep, ["__name__"], regex: "memory_working")])
        XCTAssertNil(keep.apply(to: sample, targetLabels: []))
        let keepAll = MetricRelabeling(rules: [rule(.keep, ["__name__"], regex: "container_memory_.*")])
        XCTAssertNotNil(keepAll.apply(to: sample, targetLabels: []))
    }

    func testDropRemovesMatchingSeries() {
        let drop = MetricRelabeling(rules: [rule(.drop, ["namespace", "pod"], regex: "kube-system;etcd-.*")])
        XCTAssertNil(drop.apply(to: sample, targetLabels: []))
        let other = MetricRelabeling(rules: [rule(.drop, ["namespace"], regex: "default")])
        XCTAssertNotNil(other.apply(to: sample, targetLabels: []))
    }

    func testReplaceExpandsCaptureGroupsAcrossJoinedSources() throws {
        let replace = MetricRelabeling(rules: [rule(.replace, ["namespace", "pod"], regex: "([^;]+);([a-z]+)-(.*)",
                                                    target: "component", replacement: "$2@${3}/$1")])
        let result = try XCTUnwrap(replace.apply(to: sample, targetLabels: [Label("job", "kubelet")]))
        XCTAssertEqual(result.label("component"), "etcd@node-1/kube-system")
        XCTAssertEqual(result.label("job"), "kubelet")
        XCTAssertEqual(result.name, "container_memory_working_set_bytes")
    }

    func testReplaceWithoutMatchLeavesLabelsAlone() throws {
        let replace = MetricRelabeling(rules: [rule(.replace, ["pod"], regex: "coredns-(.*)", target: "x")])
        XCTAssertNil(try XCTUnwrap(replace.apply(to: sample, targetLabels: [])).label("x"))
    }

    func testReplaceCanRenameTheMetric() throws {
        let rename = MetricRelabeling(rules: [rule(.replace, ["__name__"], regex: "container_(.*)", target: "__name__",
                                                   replacement: "ctr_$1")])
        XCTAssertEqual(try XCTUnwrap(rename.apply(to: sample, targetLabels: [])).name, "ctr_memory_working_set_bytes")
    }

    func testLabelDropAndLabelKeep() throws {
        let drop = MetricRelabeling(rules: [rule(.labeldrop, regex: "id|namespace")])
        XCTAssertEqual(try XCTUnwrap(drop.apply(to: sample, targetLabels: [])).labels, [Label("pod", "etcd-node-1")])
        let keep = MetricRelabeling(rules: [rule(.labelkeep, regex: "__name__|pod")])
        XCTAssertEqual(try XCTUnwrap(keep.apply(to: sample, targetLabels: [])).labels, [Label("pod", "etcd-node-1")])
    }

    func testLabelMapCopiesMatchingLabels() {
        var set = LabelSet([Label("__meta_kubernetes_node_label_zone", "a"), Label("other", "b")])
        XCTAssertTrue(rule(.labelmap, regex: "__meta_kubernetes_node_label_(.+)").apply(to: &set))
        XCTAssertEqual(set["zone"], "a")
    }

    func testDefaultKeepListKeepsLeakDetectionMetricsOnly() {
        let filter = MetricNameFilter.leakDetectionDefaults
        for kept in ["process_resident_memory_bytes", "process_open_fds", "go_goroutines", "go_threads",
                     "go_memstats_heap_inuse_bytes", "container_memory_working_set_bytes", "container_file_descriptors",
                     "container_sockets", "container_spec_memory_limit_bytes", "kubernetes_build_info",
                     "etcd_server_version", "coredns_build_info", "go_info", "process_start_time_seconds"] {
            XCTAssertTrue(filter.keeps(kept), kept)
        }
        for dropped in ["apiserver_request_total", "container_cpu_usage_seconds_total", "go_gc_duration_seconds",
                        "etcd_disk_wal_fsync_duration_seconds_bucket"] {
            XCTAssertFalse(filter.keeps(dropped), dropped)
        }
        XCTAssertTrue(MetricNameFilter.leakDetectionDefaults(adding: [try! AnchoredRegex("etcd_mvcc_db_.*")])
            .keeps("etcd_mvcc_db_total_size_in_bytes"))
    }
}
