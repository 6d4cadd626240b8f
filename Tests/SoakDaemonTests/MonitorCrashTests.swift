import MonitorState
import HTTPClient
import Foundation
import SeriesStore
import XCTest
@testable import SoakDaemon

/// `soak run` as a child process, killed with SIGKILL while a notification waits for a receiver
/// that answers 503, then restarted: the committed samples are intact, the known episode is not
/// announced again, and the waiting notification is delivered by the second process.
final class MonitorCrashTests: XCTestCase {
    func testKillDuringRunThenRestartKeepsDataAndDeliversOnceWithoutNewEpisode() async throws {
        let binary = try Self.soakBinary()
        let exporter = try LeakingExporter()
        defer { exporter.stop() }
        let accepting = LockedFlag()
        let webhook = try LoopbackHTTPServer { _ in accepting.value ? (200, "ok") : (503, "busy") }
        defer { webhook.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("soak.db").path
        let configFile = directory.appendingPathComponent("soak.yml")
        let webPort = try LoopbackHTTPServer.unusedPort()
        try monitorYAML(targets: [exporter.address], databasePath: database, alerting: """
              retry: {initial_seconds: 1, max_seconds: 2}
              webhooks:
                - name: ops
                  url: \(webhook.url)
                  timeout_seconds: 2
            """, webPort: webPort).write(to: configFile, atomically: true, encoding: .utf8)

        // First run: until the firing notification has been refused at least once, then SIGKILL.
        let first = try ChildDaemon(binary: binary, config: configFile.path, log: directory.appendingPathComponent("run1.log"))
        defer { first.kill() }
        let refused = await eventually(timeoutSeconds: 70) { !webhook.requests.isEmpty }
        XCTAssertTrue(refused, "the leak reached the webhook (answered 503); log:\n\(first.logText.suffix(3000))")
        guard refused else { return }
        try await Task.sleep(for: .seconds(2))  // > flush interval: samples up to here are committed
        first.kill()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)

        let (committedTimes, integrity) = try Self.upTimestamps(database: database, instance: exporter.address)
        XCTAssertEqual(integrity, "ok")
        XCTAssertGreaterThan(committedTimes.count, 20, "half-second scrapes for well over 10 s were committed")
        let pendingAfterKill = try Self.outbox(database: database).filter { $0.state == .pending }
        XCTAssertEqual(pendingAfterKill.count, 1, "the refused firing waits in the outbox")

        // Second run: the receiver is back.
        accepting.value = true
        let second = try ChildDaemon(binary: binary, config: configFile.path, log: directory.appendingPathComponent("run2.log"))
        defer { second.kill() }
        let delivered = await eventually(timeoutSeconds: 30) { webhook.requests.count > pendingAfterKill[0].attempts }
        XCTAssertTrue(delivered, "the second process delivered the waiting notification; log:\n\(second.logText.suffix(3000))")
        try await Task.sleep(for: .seconds(8))  // time for a wrongly re-announced episode to show up
        // The HTTP surface of the restarted daemon knows the episode as open.
        let api = await CurlHTTPClient().send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(webPort)/api/v1/findings", timeoutSeconds: 5))
        guard case .success(let response) = api else { return XCTFail("GET /api/v1/findings: \(api)") }
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains("process_resident_memory_bytes"))
        second.terminate()
        XCTAssertEqual(second.exitStatus, 0, "SIGTERM is a graceful shutdown; log:\n\(second.logText.suffix(2000))")

        let bodies = webhook.requests.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
        let fingerprints = Set(bodies.compactMap { ($0["alerts"] as? [[String: Any]])?.first?["fingerprint"] as? String })
        XCTAssertEqual(fingerprints.count, 1, "one episode across the kill: \(fingerprints)")
        XCTAssertTrue(bodies.allSatisfy { $0["status"] as? String == "firing" })
        let (finalTimes, finalIntegrity) = try Self.upTimestamps(database: database, instance: exporter.address)
        XCTAssertEqual(finalIntegrity, "ok")
        XCTAssertEqual(Array(finalTimes.prefix(committedTimes.count)), committedTimes, "committed samples intact")
        XCTAssertGreaterThan(finalTimes.count, committedTimes.count + 10, "the second run appended after them")
        let rows = try Self.outbox(database: database)
        XCTAssertTrue(rows.allSatisfy { $0.state != .pending }, "the outbox drained: \(rows.map(\.state))")
        XCTAssertEqual(rows.filter { $0.state == .delivered }.count, 1)
        let store = try SeriesStore(path: database, configuration: Self.readOnly)
        XCTAssertEqual(try store.findings().count, 1, "one finding, not a second episode after the restart")
        let announcements = (first.logText + second.logText).components(separatedBy: "leak detected").count - 1
        XCTAssertEqual(announcements, 1, "the new leak is logged once across both runs")
    }

    static let readOnly: StoreConfiguration = {
        var configuration = StoreConfiguration()
        configuration.readOnly = true
        return configuration
    }()

    static func upTimestamps(database: String, instance: String) throws -> ([Int64], String) {
        let store = try SeriesStore(path: database, configuration: readOnly)
        let samples = try store.samples(matching: SeriesSelector(parsing: "up{instance=\"\(instance)\"}"))
        return (samples.first?.timestampsMs ?? [], try store.integrityCheck())
    }

    static func outbox(database: String) throws -> [OutboxRow] {
        try SeriesStore(path: database, configuration: readOnly).allOutbox()
    }

    static func soakBinary() throws -> URL {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle(for: MonitorCrashTests.self).bundleURL.deletingLastPathComponent()]
        guard let binary = folders.map({ $0.appendingPathComponent("soak") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestSetupError("soak not found in \(folders.map(\.path)); build with `swift build --build-tests`")
        }
        return binary
    }
}

/// A Bool shared with a server thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = false
    var value: Bool {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// `soak run --config FILE` as a child process with its stderr (the log) in a file.
final class ChildDaemon {
    private let process = Process()
    private let logURL: URL

    init(binary: URL, config: String, log: URL) throws {
        logURL = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = binary
        process.arguments = ["run", "--config", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    var logText: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// SIGKILL and wait; safe to call twice.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait (at most 20 s, then SIGKILL).
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        kill()
    }

    /// Sends `signal` (SIGHUP: reload) without waiting.
    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
    }

    var isRunning: Bool { process.isRunning }

    var terminationReason: Process.TerminationReason { process.terminationReason }
    var exitStatus: Int32 { process.terminationStatus }
}
