import Foundation
import XCTest
@testable import SoakDaemon

final class ExecNotifierTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes an executable shell script into the test's directory.
    private func script(_ name: String, _ body: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    private func notifier(_ command: [String], timeout: Double = 10) -> ExecNotifier {
        ExecNotifier(
            name: "pager", configuration: ExecConfiguration(command: command, timeoutSeconds: timeout),
            baseEnvironment: ["PATH": "/usr/bin:/bin"])
    }

    func testCommandGetsTheNotificationOnStdinAndKeyFieldsInItsEnvironment() async throws {
        let recorder = try script("record", """
        cat > "$1/stdin.json"
        env | grep '^SOAK_ALERT_' | sort > "$1/env.txt"
        """)
        let finding = Fixtures.finding(resource: .goroutines)
        let notification = Fixtures.notification(finding, createdAt: Fixtures.onset.addingTimeInterval(3 * 3600 + 0.25))
        let outcome = await notifier([recorder, directory.path]).deliver(notification)
        XCTAssertEqual(outcome, .delivered)

        let stdin = try Data(contentsOf: directory.appendingPathComponent("stdin.json"))
        XCTAssertEqual(try AlertNotification.decode(stdin), notification)
        let envText = try String(contentsOf: directory.appendingPathComponent("env.txt"), encoding: .utf8)
        var env: [String: String] = [:]
        for line in envText.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            env[String(parts[0])] = String(parts[1])
        }
        XCTAssertEqual(env["SOAK_ALERT_STATE"], "firing")
        XCTAssertEqual(env["SOAK_ALERT_SEVERITY"], "critical")
        XCTAssertEqual(env["SOAK_ALERT_RESOURCE"], "goroutines")
        XCTAssertEqual(env["SOAK_ALERT_SERIES"], #"process_resident_memory_bytes{instance="10.0.0.7:2379",job="etcd",version="v3.4.23"}"#)
        XCTAssertEqual(env["SOAK_ALERT_GROWTH_PERCENT_PER_HOUR"], "2.500")
        XCTAssertEqual(env["SOAK_ALERT_HOURS_TO_EXHAUSTION"], "17.5")
        XCTAssertEqual(env["SOAK_ALERT_DEDUPE_KEY"], finding.dedupeKey)
        XCTAssertEqual(env["SOAK_ALERT_FINDING_URL"], "http://soak.test:9847/api/v1/findings/42")
        XCTAssertEqual(env["SOAK_ALERT_RECEIVER"], "pager")
        XCTAssertEqual(env["SOAK_ALERT_VERSION"], "v3.4.23")
        XCTAssertEqual(env["SOAK_ALERT_RESOLVED_AT"], "")
    }

    func testNonZeroExitIsRetryableWithTheCommandsStderr() async throws {
        let failing = try script("fail", "cat >/dev/null; echo 'pager api: 503' >&2; exit 3\n")
        let outcome = await notifier([failing]).deliver(Fixtures.notification(Fixtures.finding()))
        guard case .retryable(let error) = outcome else { return XCTFail("expected retryable, got \(outcome)") }
        XCTAssertEqual(error.kind, .command)
        XCTAssertEqual(error.message, "exited with status 3; stderr: pager api: 503")
        XCTAssertEqual(error.target, failing)
    }

    func testTimeoutKillsTheCommandsWholeProcessGroup() async throws {
        let sleeper = try script("sleeper", """
        sleep 30 &
        echo $! > "$1/grandchild.pid"
        sleep 30
        """)
        let started = Date()
        let outcome = await notifier([sleeper, directory.path], timeout: 0.5).deliver(Fixtures.notification(Fixtures.finding()))
        let elapsed = Date().timeIntervalSince(started)
        guard case .retryable(let error) = outcome else { return XCTFail("expected retryable, got \(outcome)") }
        XCTAssertEqual(error.kind, .timeout)
        XCTAssertGreaterThanOrEqual(elapsed, 0.5)
        XCTAssertLessThan(elapsed, 3)

        // The background `sleep` the script started is gone too, not just the shell.
        let pidText = try String(contentsOf: directory.appendingPathComponent("grandchild.pid"), encoding: .utf8)
        let pid = try XCTUnwrap(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, ExecNotifierTests.isRunning(pid) {
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertFalse(ExecNotifierTests.isRunning(pid), "grandchild \(pid) survived the timeout")
    }

    func testMissingProgramIsARetryableConfigurationError() async throws {
        let outcome = await notifier([directory.appendingPathComponent("no-such-hook").path]).deliver(Fixtures.notification(Fixtures.finding()))
        guard case .retryable(let error) = outcome else { return XCTFail("expected retryable, got \(outcome)") }
        XCTAssertEqual(error.kind, .configuration)
        XCTAssertTrue(error.message.hasPrefix("cannot start: "), error.message)
    }

    func testACommandThatIgnoresStdinStillSucceeds() async throws {
        let ignoring = try script("ignore", "exit 0\n")
        let outcome = await notifier([ignoring]).deliver(Fixtures.notification(Fixtures.finding()))
        XCTAssertEqual(outcome, .delivered)
    }

    /// Alive and not a zombie (a zombie may linger when PID 1 does not reap orphans).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z"
    }
}
