import SoakModel
import Foundation
import XCTest
@testable import SoakDemo
import SoakDaemon

final class DemoTerminalViewTests: XCTestCase {
    private func finding(_ job: String, _ metric: String, _ state: LeakVerdict, growth: Double,
                         alertAfter: Double? = nil, start: Date) -> FindingSnapshot {
        FindingSnapshot(id: "\(job)-\(metric)", seriesLabels: ["__name__": metric, "job": job], resource: .memory,
                        state: state, slopePerHour: 1, growthPercentPerHour: growth, hoursToExhaustion: state == .leak ? 0.5 : nil,
                        confidence: 0.99, onsetAt: alertAfter.map { start.addingTimeInterval($0 - 20) },
                        firstAlertAt: alertAfter.map { start.addingTimeInterval($0) })
    }

    func testScreenShowsTargetsAndSeriesWithLeaksFirst() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let targets = [TargetSnapshot(job: "etcd", instance: "127.0.0.1:4001", url: "http://127.0.0.1:4001/metrics",
                                      labels: [:], health: .up, samplesScraped: 24, detectedVersion: "3.5.16")]
        let screen = DemoTerminalView().render(
            elapsedSeconds: 30, totalSeconds: 120, databasePath: "/tmp/demo.db", targets: targets,
            findings: [finding("etcd", "process_resident_memory_bytes", .ok, growth: 2, start: start),
                       finding("kubelet", "process_open_fds", .leak, growth: 190, alertAfter: 80, start: start)])
        XCTAssertTrue(screen.contains("[##########..............................] 30 s of 120 s"), screen)
        XCTAssertTrue(screen.contains("etcd 127.0.0.1:4001"), screen)
        XCTAssertTrue(screen.contains("3.5.16"), screen)
        let leakLine = screen.range(of: "kubelet process_open_fds")!, okLine = screen.range(of: "etcd process_resident")!
        XCTAssertLessThan(leakLine.lowerBound, okLine.lowerBound, "leaks are listed first")
        XCTAssertTrue(screen.contains("LEAK") && screen.contains("+190.0") && screen.contains("30 min"), screen)
    }

    func testSummaryNamesWhatWasFoundAndWhen() {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let summary = DemoTerminalView().summary(startedAt: start, findings: [
            finding("kubelet", "process_open_fds", .leak, growth: 190, alertAfter: 80, start: start),
            finding("etcd", "go_goroutines", .ok, growth: 0, start: start),
        ])
        XCTAssertTrue(summary.contains("LEAK  kubelet process_open_fds: alerted 80 s after start, growth +190.0 %/h"), summary)
        XCTAssertTrue(summary.contains("OK    etcd: no alert"), summary)
    }

    func testHostileLabelTextCannotDriveTheTerminal() {
        let start = Date()
        var hostile = finding("evil\u{1B}[2J", "x\r\nspoof", .leak, growth: 1, alertAfter: 1, start: start)
        hostile.seriesLabels["job"] = "evil\u{1B}[2J"
        let screen = DemoTerminalView().render(elapsedSeconds: 1, totalSeconds: 2, databasePath: "db", targets: [],
                                               findings: [hostile])
        XCTAssertFalse(screen.contains("\u{1B}"))
        XCTAssertTrue(screen.contains("evil?[2J x??spoof"), screen)
    }
}
