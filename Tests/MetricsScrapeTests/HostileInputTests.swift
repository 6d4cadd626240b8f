import ConfigSupport
import MetricsScrape
import SoakDaemon
import SoakModel
import XCTest

/// Issue 20's "found when probed" items on the config and scrape side: each was accepted
/// silently before.
final class HostileInputTests: XCTestCase {
    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try MonitorConfigFile.parse(yaml: yaml, file: "soak.yml", checkFiles: false)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func testZeroTimeoutAndUndiallablePortsAreRejected() {
        XCTAssertEqual(problems("""
            global: {scrape_timeout: 0s}
            scrape_configs:
              - job_name: a
                scrape_timeout: 0s
                static_configs: [{targets: ["127.0.0.1:99999", "127.0.0.1:0", "[::1]:9100", "::1:9100", "node-a"]}]
            """), [
            "soak.yml:1: global.scrape_timeout: must be greater than 0",
            "soak.yml:4: scrape_configs[0].scrape_timeout: must be greater than 0",
            "soak.yml:5: scrape_configs[0].static_configs[0].targets[0]: \"127.0.0.1:99999\": port must be 1...65535",
            "soak.yml:5: scrape_configs[0].static_configs[0].targets[1]: \"127.0.0.1:0\": port must be 1...65535",
            "soak.yml:5: scrape_configs[0].static_configs[0].targets[3]: \"::1:9100\": IPv6 addresses go in brackets: [address]:port",
        ])
    }

    func testIgnoredSettingsAreErrorsNotSilentlyAccepted() {
        XCTAssertEqual(problems("""
            scrape_configs:
              - job_name: a
                honor_timestamps: false
                kubernetes_sd_configs:
                  - role: pod
                    namespaces: {own_namespace: true}
            """), [
            "soak.yml:3: scrape_configs[0].honor_timestamps: honor_timestamps: false is not supported (exposition timestamps are kept)",
            "soak.yml:6: scrape_configs[0].kubernetes_sd_configs[0].namespaces.own_namespace: own_namespace is not supported: list the namespace under names",
        ])
        XCTAssertEqual(problems("""
            scrape_configs:
              - job_name: a
                honor_timestamps: true
                kubernetes_sd_configs: [{role: pod, namespaces: {own_namespace: false, names: [x]}}]
            """), [], "the defaults stay accepted")
    }

    /// The daemon sections are read before scrape_configs; problems still come out in file order.
    func testProblemsAreListedInLineOrder() {
        let lines = problems("""
            scrape_configs:
              - job_name: a
                scrape_intervall: 5s
                static_configs: [{targets: ["127.0.0.1:1"]}]
            storage: {flush_intervall: 1s}
            detection: {preset: fast}
            web: {listen_address: nowhere}
            """).map { $0.split(separator: ":")[1] }
        XCTAssertEqual(lines, ["3", "5", "6", "7"])
    }

    /// A target exposing `x 7 99999999999999` (year 5138) must not poison its series: the sample
    /// is dropped and counted, the rest of the scrape is kept.
    func testTimestampsFarInTheFutureAreDroppedAndCounted() throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let server = try LoopbackHTTPServer { _ in
            .text("process_open_fds 7 99999999999999\nprocess_max_fds 1024 \(now)\ngo_goroutines 12\n")
        }
        defer { server.stop() }
        let result = Scraper.scrapeOnce([ScrapeTarget(url: server.baseURL + "/metrics", labels: [Label("job", "a")],
                                                      intervalSeconds: 10, timeoutSeconds: 5)])[0]
        XCTAssertNil(result.error)
        XCTAssertEqual(result.samplesOutOfBounds, 1)
        XCTAssertEqual(Set(result.samples.map(\.name)), ["process_max_fds", "go_goroutines"])
        XCTAssertEqual(result.samplesScraped, 3)
    }
}
