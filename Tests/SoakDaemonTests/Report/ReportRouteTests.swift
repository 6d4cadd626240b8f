import Foundation
import XCTest
@testable import SoakDaemon

/// `GET /report` without a store (a provider that has none) says so.
final class ReportRouteTests: XCTestCase {
    func testReportWithoutAStoreIs404() async throws {
        try await withRunningServer(provider: FakeStatusProvider()) { server in
            let response = try await HTTPTestClient.get(server.url("/report"))
            XCTAssertEqual(response.status, 404)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "no report: this server has no store\n")
        }
    }
}
