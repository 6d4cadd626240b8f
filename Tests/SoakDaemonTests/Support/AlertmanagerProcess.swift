import HTTPClient
import Foundation
import XCTest
@testable import SoakDaemon

/// A real `prometheus-alertmanager` on a loopback port with a throwaway config and storage
/// directory. Tests stop it in `defer`/teardown, so a failing test leaves no process behind.
final class AlertmanagerProcess: @unchecked Sendable {
    static let binary = "/usr/bin/prometheus-alertmanager"

    let port: UInt16
    let directory: URL
    private var process: Process?

    var url: String { "http://127.0.0.1:\(port)" }

    /// Prepares the config on a free port; does not start (tests may want it down first).
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: AlertmanagerProcess.binary) else {
            throw TestSetupError("\(AlertmanagerProcess.binary) is not installed (make deps-test)")
        }
        port = try LoopbackHTTPServer.unusedPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("soak-am-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        // The smallest config Alertmanager 0.25 accepts: a route to a receiver that does nothing.
        try """
        route:
          receiver: "null"
        receivers:
          - name: "null"
        """.write(to: directory.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
    }

    /// Starts it and waits until `/-/ready` answers 200 (at most 20 s).
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AlertmanagerProcess.binary)
        process.arguments = [
            "--config.file=\(directory.appendingPathComponent("alertmanager.yml").path)",
            "--storage.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--cluster.listen-address=",
            "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if case .success(let response) = await CurlHTTPClient().send(HTTPRequest(method: "GET", url: "\(url)/-/ready", timeoutSeconds: 1)),
               response.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw TestSetupError("alertmanager did not become ready on port \(port)")
    }

    /// Stops it (SIGTERM, then waits); safe to call twice.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops it and removes its directory.
    func cleanUp() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `GET /api/v2/alerts[?query]` parsed into dictionaries.
    func alerts(query: String = "") async throws -> [[String: Any]] {
        let result = await CurlHTTPClient().send(HTTPRequest(method: "GET", url: "\(url)/api/v2/alerts\(query)", timeoutSeconds: 5))
        guard case .success(let response) = result, response.status == 200 else {
            XCTFail("GET /api/v2/alerts failed: \(result)")
            return []
        }
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
    }
}
