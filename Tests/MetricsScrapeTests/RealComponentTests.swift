import HTTPClient
import SoakModel
import Foundation
import XCTest
@testable import MetricsScrape

/// Scrapes real components from Debian packages, started on free loopback ports with temporary
/// data directories and stopped (whole process group) when the test ends, failed or not.
final class RealComponentTests: XCTestCase {
    private var directory: URL!
    private var processes: [ComponentProcess] = []

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("soak-real")
    }

    override func tearDown() {
        for process in processes { process.stop() }
        processes.removeAll()
        try? FileManager.default.removeItem(at: directory)
    }

    private func start(_ name: String, _ executable: String, _ arguments: [String], package: String) throws -> ComponentProcess {
        let process = try ComponentProcess(name: name, executable: executable, arguments: arguments,
                                           logDirectory: directory, debianPackage: package)
        processes.append(process)
        return process
    }

    private func target(_ url: String, job: String, tls: TLSSettings = TLSSettings(), keepAll: Bool = false) -> ScrapeTarget {
        ScrapeTarget(url: url, labels: [Label("job", job), Label("instance", String(url.split(separator: "/")[1]))],
                     intervalSeconds: 10, timeoutSeconds: 5, tls: tls,
                     metricRelabeling: MetricRelabeling(nameFilter: keepAll ? nil : .leakDetectionDefaults))
    }

    /// etcd with an mTLS client port and a plain metrics listener. Returns (client port, metrics port).
    private func startEtcd(certificates: TestCertificates) throws -> (client: Int, metrics: Int) {
        let client = freeLoopbackPort(), peer = freeLoopbackPort(), metrics = freeLoopbackPort()
        let etcd = try start("etcd", "/usr/bin/etcd", [
            "--name", "soak-test", "--data-dir", directory.appendingPathComponent("etcd-data").path,
            "--listen-client-urls", "https://127.0.0.1:\(client)", "--advertise-client-urls", "https://127.0.0.1:\(client)",
            "--listen-peer-urls", "http://127.0.0.1:\(peer)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peer)",
            "--initial-cluster", "soak-test=http://127.0.0.1:\(peer)",
            "--listen-metrics-urls", "http://127.0.0.1:\(metrics)",
            "--cert-file", certificates.serverCertFile, "--key-file", certificates.serverKeyFile,
            "--trusted-ca-file", certificates.caFile, "--client-cert-auth",
        ], package: "etcd-server")
        try etcd.waitUntilScrapeable(target("http://127.0.0.1:\(metrics)/metrics", job: "etcd"))
        // The client listener may come up after the metrics one: wait for it too, so the negative
        // cases below fail because of TLS and not because the port is not open yet.
        try etcd.waitUntilScrapeable(target("https://127.0.0.1:\(client)/metrics", job: "etcd",
                                            tls: TLSSettings(caFile: certificates.caFile, certFile: certificates.clientCertFile,
                                                             keyFile: certificates.clientKeyFile)))
        return (client, metrics)
    }

    func testEtcdPlainMetricsListenerAndMutualTLSClientPort() throws {
        let certificates = try TestCertificates(in: directory)
        let ports = try startEtcd(certificates: certificates)
        let clientURL = "https://127.0.0.1:\(ports.client)/metrics"
        let right = TLSSettings(caFile: certificates.caFile, certFile: certificates.clientCertFile,
                                keyFile: certificates.clientKeyFile)
        var wrongCA = right
        wrongCA.caFile = certificates.otherCAFile
        var noClientCert = right
        noClientCert.certFile = nil
        noClientCert.keyFile = nil
        var serverName = right
        serverName.serverName = "etcd.test"
        var wrongServerName = right
        wrongServerName.serverName = "not-etcd.test"

        let results = Scraper.scrapeOnce([
            target("http://127.0.0.1:\(ports.metrics)/metrics", job: "etcd-plain"),
            target(clientURL, job: "etcd-mtls", tls: right),
            target(clientURL, job: "etcd-wrong-ca", tls: wrongCA),
            target(clientURL, job: "etcd-no-client-cert", tls: noClientCert),
            target(clientURL, job: "etcd-server-name", tls: serverName),
            target(clientURL, job: "etcd-wrong-server-name", tls: wrongServerName),
        ])
        let plain = results[0], mtls = results[1]
        for result in [plain, mtls] {
            XCTAssertNil(result.error, "\(result.target.job)")
            XCTAssertGreaterThan(result.samplesScraped, 100, "etcd exposes hundreds of series")
            XCTAssertEqual(result.samples.first { $0.name == "etcd_server_version" }?.label("server_version")?.hasPrefix("3.4"),
                           true, "\(result.target.job)")
            XCTAssertGreaterThan(result.samples.first { $0.name == "process_resident_memory_bytes" }?.value ?? 0, 1_000_000)
            XCTAssertNotNil(result.samples.first { $0.name == "go_goroutines" })
            XCTAssertNil(result.samples.first { $0.name == "etcd_disk_wal_fsync_duration_seconds_bucket" }, "not in keep-list")
        }
        XCTAssertEqual(results[2].error?.kind, .tls)
        XCTAssertTrue(results[2].error?.message.contains("certificate") ?? false, "\(String(describing: results[2].error))")
        XCTAssertEqual(results[3].error?.kind, .tls)
        // Depending on timing, TLS 1.3 reports the rejection as an alert or as a closed connection;
        // both must say what to configure.
        XCTAssertTrue(results[3].error?.message.hasSuffix("set tls_config.cert_file and key_file)") ?? false,
                      "\(String(describing: results[3].error))")
        XCTAssertNil(results[4].error, "server_name etcd.test is in the certificate's SANs")
        XCTAssertEqual(results[5].error?.kind, .tls)
        XCTAssertEqual(results[5].error?.url, clientURL, "the error names the real URL, not the server name")
        for result in results.dropFirst(2) where result.error != nil {
            print("\(result.target.job): \(result.error!)")
        }
    }

    func testConfigFileDrivesScrapesOfEtcdWithClientCertificates() throws {
        let certificates = try TestCertificates(in: directory)
        let ports = try startEtcd(certificates: certificates)
        let yaml = """
            global: {scrape_interval: 15s}
            scrape_configs:
              - job_name: etcd
                preset: etcd-client-tls
                tls_config:
                  ca_file: \(certificates.caFile)
                  cert_file: \(certificates.clientCertFile)
                  key_file: \(certificates.clientKeyFile)
                static_configs: [{targets: ["127.0.0.1:\(ports.client)"]}]
              - job_name: etcd-metrics
                preset: etcd
                keep_all_metrics: true
                static_configs: [{targets: ["127.0.0.1:\(ports.metrics)"]}]
            """
        let config = try SoakConfig.parse(yaml: yaml, file: "soak.yml")
        let results = Scraper.scrapeOnce(config.staticTargets())
        XCTAssertEqual(results.map(\.target.url), ["https://127.0.0.1:\(ports.client)/metrics",
                                                   "http://127.0.0.1:\(ports.metrics)/metrics"])
        XCTAssertNil(results[0].error)
        XCTAssertNil(results[1].error)
        XCTAssertEqual(results[1].samples.count, results[1].samplesScraped, "keep_all_metrics keeps everything")
        XCTAssertLessThan(results[0].samples.count, results[0].samplesScraped / 4, "keep-list drops most series")
        XCTAssertEqual(results[0].samples.first?.label("job"), "etcd")
    }

    func testNodeExporter() throws {
        let port = freeLoopbackPort()
        let exporter = try start("node-exporter", "/usr/bin/prometheus-node-exporter",
                                 ["--web.listen-address=127.0.0.1:\(port)"], package: "prometheus-node-exporter")
        let scrape = target("http://127.0.0.1:\(port)/metrics", job: "node")
        try exporter.waitUntilScrapeable(scrape)
        let result = Scraper.scrapeOnce([scrape])[0]
        XCTAssertNil(result.error)
        XCTAssertNotNil(result.samples.first { $0.name == "node_exporter_build_info" })
        XCTAssertGreaterThan(result.samples.first { $0.name == "process_open_fds" }?.value ?? 0, 0)
        XCTAssertGreaterThan(result.samplesScraped, result.samples.count)
    }

    func testPrometheusOwnMetrics() throws {
        let port = freeLoopbackPort()
        let configFile = directory.appendingPathComponent("prometheus.yml").path
        try "global:\n  scrape_interval: 15s\n".write(toFile: configFile, atomically: true, encoding: .utf8)
        let prometheus = try start("prometheus", "/usr/bin/prometheus", [
            "--config.file=\(configFile)", "--storage.tsdb.path=\(directory.appendingPathComponent("tsdb").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ], package: "prometheus")
        let scrape = target("http://127.0.0.1:\(port)/metrics", job: "prometheus")
        try prometheus.waitUntilScrapeable(scrape)
        let result = Scraper.scrapeOnce([scrape])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(result.samples.first { $0.name == "prometheus_build_info" }?.label("job"), "prometheus")
        XCTAssertGreaterThan(result.samples.first { $0.name == "go_goroutines" }?.value ?? 0, 10)
        XCTAssertGreaterThan(result.samples.first { $0.name == "process_start_time_seconds" }?.value ?? 0, 1.7e9)
    }
}
