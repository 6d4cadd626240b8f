import Foundation
import HTTPClient
import Logging
import MetricsScrape
import ServiceLifecycle
import XCTest
@testable import SoakDaemon

/// Reloading the configuration (issue 20): SIGHUP and `POST /-/reload` on a real `soak run`
/// apply new scrape configs, receivers and detection thresholds without the process, its
/// listener or its data going away; a bad file is refused with its lines and the old one keeps
/// running; storage path and listen address changes are reported as needing a restart.
final class ConfigReloadTests: XCTestCase {
    private struct Daemon {
        let child: ChildDaemon
        let port: UInt16
        let token: String

        func request(_ method: String, _ path: String, authorized: Bool = true) async -> (status: Int, body: String) {
            let headers = authorized ? [(name: "Authorization", value: "Bearer \(token)")] : []
            let result = await CurlHTTPClient().send(HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)",
                                                                 headers: headers, timeoutSeconds: 20))
            guard case .success(let response) = result else { return (0, "\(result)") }
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }

        /// `job/health` of every target.
        func targets() async -> Set<String> {
            let (status, body) = await request("GET", "/api/v1/soak/targets")
            guard status == 200, let list = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else { return [] }
            return Set(list.map { "\($0["job"] ?? "?")/\($0["health"] ?? "?")" })
        }
    }

    private func config(jobs: [(String, String)], database: String, port: UInt16, tokenFile: String,
                        extra: String = "") -> String {
        var yaml = "global: {scrape_interval: 500ms, scrape_timeout: 500ms}\nscrape_configs:\n"
        for (job, address) in jobs {
            yaml += "  - job_name: \(job)\n    static_configs: [{targets: [\"\(address)\"]}]\n"
        }
        yaml += """
            storage: {path: \(database), flush_interval: 1s}
            web: {listen_address: "127.0.0.1:\(port)", bearer_token_file: \(tokenFile)}

            """
        return yaml + extra
    }

    private static var quietLogger: Logger {
        var logger = Logger(label: "test.reload")
        logger.logLevel = .warning
        return logger
    }

    func testSIGHUPAndPostReloadApplyTheFileWithoutLosingStateAndRefuseABadOne() async throws {
        let binary = try MonitorCrashTests.soakBinary()
        let first = try LeakingExporter(leakPercentPerHour: 0)
        defer { first.stop() }
        let second = try LeakingExporter(leakPercentPerHour: 0)
        defer { second.stop() }
        let webhook = try LoopbackHTTPServer()
        defer { webhook.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("soak.db").path
        let tokenFile = directory.appendingPathComponent("token").path
        try "reload-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("soak.yml")
        let port = try LoopbackHTTPServer.unusedPort()
        try config(jobs: [("one", first.address)], database: database, port: port, tokenFile: tokenFile)
            .write(to: file, atomically: true, encoding: .utf8)

        let child = try ChildDaemon(binary: binary, config: file.path, log: directory.appendingPathComponent("run.log"))
        defer { child.kill() }
        let daemon = Daemon(child: child, port: port, token: "reload-token")
        let started = await eventually(timeoutSeconds: 30) { await daemon.targets() == ["one/up"] }
        XCTAssertTrue(started, "log:\n\(child.logText.suffix(2000))")
        guard started else { return }
        try await Task.sleep(for: .seconds(2))
        let before = try MonitorCrashTests.upTimestamps(database: database, instance: first.address).0
        XCTAssertGreaterThan(before.count, 2)

        // SIGHUP: a second job, a webhook receiver, other detection thresholds.
        try config(jobs: [("one", first.address), ("two", second.address)], database: database, port: port,
                   tokenFile: tokenFile, extra: """
            detection: {leak_z: 4.5}
            alerting:
              webhooks: [{name: ops, url: "\(webhook.url)"}]

            """).write(to: file, atomically: true, encoding: .utf8)
        child.signal(SIGHUP)
        let reloaded = await eventually(timeoutSeconds: 30) { await daemon.targets() == ["one/up", "two/up"] }
        XCTAssertTrue(reloaded, "log:\n\(child.logText.suffix(3000))")
        XCTAssertTrue(child.isRunning, "SIGHUP no longer ends the daemon")
        XCTAssertTrue(child.logText.contains("applied=scrape_configs,detection,alerting"), child.logText.suffix(3000).description)
        XCTAssertTrue(child.logText.contains("configuration reloaded"))

        // Nothing stored was lost, and the first target's series goes on with at most a short gap.
        try await Task.sleep(for: .seconds(3))
        let after = try MonitorCrashTests.upTimestamps(database: database, instance: first.address)
        XCTAssertEqual(after.1, "ok")
        XCTAssertEqual(Array(after.0.prefix(before.count)), before, "samples stored before the reload are intact")
        XCTAssertGreaterThan(after.0.count, before.count + 3, "and scraping went on")
        let largestGapMs = zip(after.0, after.0.dropFirst()).map { $1 - $0 }.max() ?? 0
        XCTAssertLessThan(largestGapMs, 5_000, "the swap costs a beat or a few, not the series")

        // A bad file: refused with its lines, over the API (token required) and on SIGHUP; the old config runs on.
        try config(jobs: [("one", first.address)], database: database, port: port, tokenFile: tokenFile,
                   extra: "detection: {leak_zz: 3}\n").write(to: file, atomically: true, encoding: .utf8)
        let anonymous = await daemon.request("POST", "/-/reload", authorized: false)
        XCTAssertEqual(anonymous.status, 401, "reloading is behind the API's token")
        let refused = await daemon.request("POST", "/-/reload")
        XCTAssertEqual(refused.status, 400, refused.body)
        let refusal = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(refused.body.utf8)) as? [String: Any])
        XCTAssertEqual(refusal["status"] as? String, "refused")
        XCTAssertEqual(refusal["errors"] as? [String], ["\(file.path):7: detection.leak_zz: unknown key"])
        child.signal(SIGHUP)
        let loggedRefusal = await eventually(timeoutSeconds: 10) { child.logText.contains("trigger=SIGHUP") && child.logText.components(separatedBy: "reload refused").count == 3 }
        XCTAssertTrue(loggedRefusal, child.logText.suffix(2000).description)
        XCTAssertTrue(child.isRunning)
        let unchangedTargets = await daemon.targets()
        XCTAssertEqual(unchangedTargets, ["one/up", "two/up"], "the running configuration stays")

        // Storage path and listen address: reported, kept until a restart.
        let otherDatabase = directory.appendingPathComponent("other.db").path
        try config(jobs: [("one", first.address), ("two", second.address)], database: otherDatabase, port: port + 1,
                   tokenFile: tokenFile, extra: """
            detection: {leak_z: 4.5}
            alerting:
              webhooks: [{name: ops, url: "\(webhook.url)"}]

            """).write(to: file, atomically: true, encoding: .utf8)
        let restart = await daemon.request("POST", "/-/reload")
        XCTAssertEqual(restart.status, 200, restart.body)
        let restartOutcome = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(restart.body.utf8)) as? [String: Any])
        XCTAssertEqual(restartOutcome["restartRequired"] as? [String], ["storage.path", "web.listen_address"])
        // Alert links default to http://<web.listen_address>, so alerting may count as changed.
        XCTAssertTrue(["unchanged", "reloaded"].contains(restartOutcome["status"] as? String ?? ""), restart.body)
        XCTAssertFalse((restartOutcome["applied"] as? [String] ?? []).contains("scrape_configs"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: otherDatabase), "the running store stays where it is")
        XCTAssertTrue(child.logText.contains("restart_required=storage.path,web.listen_address"))

        child.terminate()
        XCTAssertEqual(child.exitStatus, 0, child.logText.suffix(2000).description)
    }

    /// The new detection thresholds reach the running pipeline; the process-bound settings do not.
    func testReloadRebuildsThePipelineWithTheNewThresholdsOnTheSameDatabase() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("soak.db").path
        let file = directory.appendingPathComponent("soak.yml")
        let yaml = { (leakZ: Double, path: String) in
            "scrape_configs: [{job_name: a, static_configs: [{targets: [\"127.0.0.1:9\"]}]}]\n"
                + "storage: {path: \(path)}\ndetection: {leak_z: \(leakZ)}\n"
        }
        try yaml(3, database).write(to: file, atomically: true, encoding: .utf8)
        let monitor = try ReloadableMonitor(configPath: file.path, file: MonitorConfigFile.load(path: file.path),
                                            logger: Self.quietLogger)
        let group = ServiceGroup(configuration: .init(services: [monitor], logger: Self.quietLogger))
        let running = Task { try await group.run() }
        defer { running.cancel() }
        let resumed = await eventually(timeoutSeconds: 20) { await monitor.runtime != nil }
        XCTAssertTrue(resumed)

        try yaml(5.5, directory.appendingPathComponent("elsewhere.db").path).write(to: file, atomically: true, encoding: .utf8)
        let outcome = await monitor.reload(trigger: "test")
        XCTAssertEqual(outcome, ReloadOutcome(status: .reloaded, applied: ["detection"], restartRequired: ["storage.path"]))
        let runtime = await monitor.runtime
        let pipeline = try XCTUnwrap(runtime?.pipeline)
        XCTAssertEqual(pipeline.configuration.detector.leakZ, 5.5)
        XCTAssertEqual(pipeline.database.path, database)
        let again = await monitor.reload(trigger: "test")
        XCTAssertEqual(again.status, .unchanged)
        XCTAssertEqual(again.applied, [])

        await group.triggerGracefulShutdown()
        try await running.value
    }
}

/// Scrape failures are logged once per transition, with the reason, not on every scrape (issue 20).
final class ScrapeTransitionLogTests: XCTestCase {
    func testTargetDownAndUpAreLoggedOncePerTransition() async throws {
        let binary = try MonitorCrashTests.soakBinary()
        let healthy = try LeakingExporter(leakPercentPerHour: 0)
        defer { healthy.stop() }
        let flaky = LockedFlag()
        flaky.value = true
        let server = try LoopbackHTTPServer { _ in flaky.value ? (200, "process_open_fds 7\n") : (503, "maintenance") }
        defer { server.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let refused = "127.0.0.1:\(try LoopbackHTTPServer.unusedPort())"
        let flakyAddress = "127.0.0.1:\(server.port)"
        let file = directory.appendingPathComponent("soak.yml")
        try """
            global: {scrape_interval: 300ms, scrape_timeout: 300ms}
            scrape_configs:
              - job_name: t
                static_configs: [{targets: ["\(healthy.address)", "\(refused)", "\(flakyAddress)"]}]
            storage: {path: \(directory.appendingPathComponent("soak.db").path), flush_interval: 1s}
            web: {listen_address: "127.0.0.1:\(try LoopbackHTTPServer.unusedPort())"}

            """.write(to: file, atomically: true, encoding: .utf8)
        let child = try ChildDaemon(binary: binary, config: file.path, log: directory.appendingPathComponent("run.log"))
        defer { child.kill() }
        func count(_ text: String, _ target: String) -> Int {
            child.logText.split(separator: "\n").filter { $0.contains(text) && $0.contains("target=t/\(target)") }.count
        }
        let refusedLogged = await eventually(timeoutSeconds: 20) { count("scrape target down", refused) == 1 }
        XCTAssertTrue(refusedLogged, child.logText.suffix(2000).description)
        try await Task.sleep(for: .seconds(2))  // six more failed scrapes of it
        flaky.value = false
        let flakyDown = await eventually(timeoutSeconds: 10) { count("scrape target down", flakyAddress) == 1 }
        XCTAssertTrue(flakyDown)
        try await Task.sleep(for: .seconds(1.5))
        flaky.value = true
        let flakyUp = await eventually(timeoutSeconds: 10) { count("scrape target up again", flakyAddress) == 1 }
        XCTAssertTrue(flakyUp, child.logText.suffix(2000).description)
        try await Task.sleep(for: .seconds(1))
        child.terminate()

        XCTAssertEqual(count("scrape target down", refused), 1, "once, not once per scrape")
        XCTAssertEqual(count("scrape target down", flakyAddress), 1)
        XCTAssertEqual(count("scrape target up again", flakyAddress), 1)
        XCTAssertEqual(count("scrape target", healthy.address), 0, "a healthy target logs nothing")
        let down = try XCTUnwrap(child.logText.split(separator: "\n").first { $0.contains("target=t/\(refused)") })
        XCTAssertTrue(down.contains("reason=connection"), String(down))
        let flakyLine = try XCTUnwrap(child.logText.split(separator: "\n").first { $0.contains("scrape target down") && $0.contains(flakyAddress) })
        XCTAssertTrue(flakyLine.contains("503"), String(flakyLine))
    }
}
