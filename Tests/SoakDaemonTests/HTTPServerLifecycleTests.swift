import Foundation
import Logging
import ServiceLifecycle
import XCTest
@testable import SoakDaemon

/// The server as a swift-service-lifecycle `Service`: it starts in a group and stops with it.
final class HTTPServerLifecycleTests: XCTestCase {
    func testGracefulShutdownClosesTheListeningSocket() async throws {
        var port = 0
        try await withRunningServer(provider: FakeStatusProvider()) { server in
            port = server.port
            let response = try await HTTPTestClient.get(server.url("/healthz"))
            XCTAssertEqual(response.status, 200)
        }
        // withRunningServer returned only after the group's run() did.
        do {
            let response = try await HTTPTestClient.get("http://127.0.0.1:\(port)/healthz")
            XCTFail("server still answers after shutdown: \(response.status)")
        } catch let failure as HTTPTestClient.Failure {
            XCTAssertEqual(failure.code, 7, "CURLE_COULDNT_CONNECT expected, got \(failure)")
        }
    }

    func testOccupiedPortMakesRunThrow() async throws {
        try await withRunningServer(provider: FakeStatusProvider()) { running in
            var logger = Logger(label: "test.http")
            logger.logLevel = .critical
            let second = try MonitorHTTPServer(
                configuration: MonitorHTTPConfiguration(host: "127.0.0.1", port: running.port),
                provider: FakeStatusProvider(), registry: nil, logger: logger)
            do {
                try await second.run()
                XCTFail("a second server bound the same port")
            } catch {
                // EADDRINUSE from the bind; the first server keeps serving.
            }
            let response = try await HTTPTestClient.get(running.url("/healthz"))
            XCTAssertEqual(response.status, 200)
        }
    }
}
