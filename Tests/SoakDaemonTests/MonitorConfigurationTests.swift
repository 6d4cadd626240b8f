import ConfigSupport
import Foundation
import LeakDetection
import MetricsScrape
import XCTest
@testable import SoakDaemon

/// The daemon's YAML sections: values reach the store, detector and alerting settings; mistakes
/// are reported with their line like the rest of the file.
final class MonitorConfigurationTests: XCTestCase {
    static let example = """
        global:
          scrape_interval: 15s
        scrape_configs:
          - job_name: etcd
            static_configs:
              - targets: ["127.0.0.1:2381"]
        storage:
          path: /var/lib/soak/soak.db
          flush_interval: 5s
          raw_retention: 30d
          rollup_retention: 1y
        detection:
          preset: compressed
          warm_up: 2m
          leak_z: 3.5
          confirm_buckets: 4
          resources:
            my_cache_bytes: memory
          limits:
            my_cache_bytes: my_cache_limit_bytes
        alerting:
          external_url: http://soak.example:9847
          critical_horizon_hours: 12
          terminal: true
          retry: {initial_seconds: 2, max_seconds: 60}
          alertmanagers:
            - url: http://am.example:9093
              resend_interval_seconds: 30
          webhooks:
            - name: ops
              url: https://hooks.example/soak
              signature_header: X-Hook-Signature
          exec:
            - command: ["/usr/local/bin/page", "--team", "k8s"]
              timeout_seconds: 5
        web:
          listen_address: 0.0.0.0:9900
        evidence:
          pprof: true
          jobs: [kube-apiserver, etcd]
          timeout: 45s
          max_bytes: 1048576
          reuse_within: 10m
          profiles:
            heap: /debug/pprof/heap?gc=1
            mutex: /debug/pprof/mutex?debug=1

        """

    func testEverySectionReachesTheDaemonSettings() throws {
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: Self.example, file: "soak.yml", checkFiles: false))
        XCTAssertEqual(configuration.databasePath, "/var/lib/soak/soak.db")
        XCTAssertEqual(configuration.store.flushIntervalSeconds, 5)
        XCTAssertEqual(configuration.store.rawRetentionMs, 30 * 86_400_000)
        XCTAssertEqual(configuration.store.rollupRetentionMs, 365 * 86_400_000)
        XCTAssertEqual(configuration.detector.bucketSeconds, 5, "compressed preset")
        XCTAssertEqual(configuration.detector.warmUpSeconds, 120, "override")
        XCTAssertEqual(configuration.detector.leakZ, 3.5)
        XCTAssertEqual(configuration.detector.confirmBuckets, 4)
        XCTAssertEqual(configuration.classifier.kind(of: "my_cache_bytes"), .memory)
        XCTAssertEqual(configuration.classifier.limitMetric(for: "my_cache_bytes"), "my_cache_limit_bytes")
        let relabeling = configuration.scrape.scrapeConfigs[0].metricRelabeling
        XCTAssertTrue(relabeling.nameFilter?.keeps("my_cache_bytes") ?? false, "extra metrics are kept without keep_metrics")
        XCTAssertTrue(relabeling.nameFilter?.keeps("my_cache_limit_bytes") ?? false)
        XCTAssertEqual(configuration.alerting.externalURL, "http://soak.example:9847")
        XCTAssertEqual(configuration.alerting.criticalHorizonHours, 12)
        XCTAssertEqual(configuration.alerting.retry, .init(initialSeconds: 2, maxSeconds: 60))
        XCTAssertEqual(configuration.resendIntervalSeconds, 30)
        XCTAssertEqual(configuration.alerting.webhooks.first?.signatureHeader, "X-Hook-Signature")
        XCTAssertEqual(configuration.alerting.exec.first?.command, ["/usr/local/bin/page", "--team", "k8s"])
        XCTAssertEqual(try configuration.alerting.makeNotifiers().map(\.name), ["alertmanager-0", "ops", "exec-0", "terminal"])
        XCTAssertEqual(configuration.web.listenAddress, "0.0.0.0:9900")
        XCTAssertEqual(configuration.replaySeconds, 120 + 240 + 1440 + 5)
        XCTAssertTrue(configuration.evidence.pprof)
        XCTAssertEqual(configuration.evidence.jobs, ["kube-apiserver", "etcd"])
        XCTAssertEqual(configuration.evidence.timeoutSeconds, 45)
        XCTAssertEqual(configuration.evidence.maxBytes, 1_048_576)
        XCTAssertEqual(configuration.evidence.reuseWithinSeconds, 600)
        XCTAssertEqual(configuration.evidence.profiles, [.init(name: "heap", path: "/debug/pprof/heap?gc=1"),
                                                         .init(name: "mutex", path: "/debug/pprof/mutex?debug=1")])
        let capture = EvidenceCapture(section: configuration.evidence)
        XCTAssertTrue(capture.applies(toJob: "etcd", runsGo: false), "listed jobs are asked whatever they expose")
        XCTAssertFalse(capture.applies(toJob: "coredns", runsGo: true), "a job list is a list")
    }

    func testDefaultsWithoutTheDaemonSections() throws {
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: """
            scrape_configs:
              - job_name: a
                static_configs: [{targets: ["127.0.0.1:1"]}]
            """, file: "soak.yml"))
        XCTAssertEqual(configuration.databasePath, "soak.db")
        XCTAssertEqual(configuration.detector, DetectorConfiguration())
        XCTAssertEqual(configuration.web.listenAddress, "127.0.0.1:9847")
        XCTAssertEqual(configuration.alerting.externalURL, "http://127.0.0.1:9847", "links point at the listener")
        XCTAssertEqual(configuration.resendIntervalSeconds, 60)
        XCTAssertFalse(configuration.evidence.pprof, "profiles are fetched only when asked for")
        XCTAssertEqual(configuration.evidence.profiles.map(\.path), ["/debug/pprof/heap", "/debug/pprof/goroutine?debug=1"])
        XCTAssertFalse(EvidenceCapture(section: configuration.evidence).applies(toJob: "a", runsGo: true))
        var on = configuration.evidence
        on.pprof = true
        XCTAssertTrue(EvidenceCapture(section: on).applies(toJob: "a", runsGo: true))
        XCTAssertFalse(EvidenceCapture(section: on).applies(toJob: "a", runsGo: false), "only Go components serve pprof")
    }

    func testMistakesInTheNewSectionsAreReportedWithTheirLines() {
        let yaml = """
            scrape_configs:
              - job_name: a
                static_configs: [{targets: ["127.0.0.1:1"]}]
            storage:
              flush_intervall: 5s
            detection:
              preset: fast
              resources: {my_bytes: disk}
            alerting:
              webhooks:
                - url: https://hooks.example/a
                  secret: hunter2
                - name: webhook-0
                  url: ftp://hooks.example/b
            web:
              listen_address: localhost
            evidence:
              pprof: yes please
              max_bytes: 10
              profiles:
                heap: http://elsewhere/debug/pprof/heap
            """
        XCTAssertThrowsError(try MonitorConfigFile.parse(yaml: yaml, file: "soak.yml")) { error in
            let lines = (error as? ConfigError)?.problems.map(\.description) ?? []
            XCTAssertEqual(lines, [
                "soak.yml:5: storage.flush_intervall: unknown key",
                "soak.yml:7: detection.preset: unknown preset \"fast\" (one of default, compressed)",
                "soak.yml:8: detection.resources: my_bytes: unknown resource \"disk\" (one of memory, fds, goroutines, threads, other)",
                "soak.yml:12: alerting.webhooks[0].secret: inline secrets are not accepted; use secret_file",
                "soak.yml:13: alerting.webhooks[1]: receiver name \"webhook-0\" already used at line 11",
                "soak.yml:14: alerting.webhooks[1].url: must start with http:// or https://",
                "soak.yml:16: web.listen_address: expected host:port, e.g. 127.0.0.1:9847",
                "soak.yml:18: evidence.pprof: expected true or false, got \"yes please\"",
                "soak.yml:19: evidence.max_bytes: must be at least 1024",
                "soak.yml:21: evidence.profiles: heap: \"http://elsewhere/debug/pprof/heap\" must be a path on the target's server, starting with /",
            ])
        }
    }

    func testExampleConfigIsValid() throws {
        // The whole example (scrape and daemon sections) is read by the daemon's one reader.
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/soak.yml").path
        let config = try MonitorConfigFile.load(path: example, checkFiles: false).scrape
        XCTAssertEqual(config.scrapeConfigs.map(\.jobName), ["kube-apiserver", "kubelet", "cadvisor", "etcd", "kube-scheduler",
                                                             "kube-controller-manager", "kube-proxy", "coredns", "loadgen"])
        XCTAssertEqual(config.scrapeConfigs[3].kubernetesSDConfigs.first?.labelSelector, "component=etcd")
        XCTAssertEqual(config.staticTargets().map(\.url), ["http://10.20.0.5:9100/metrics"])
    }
}
